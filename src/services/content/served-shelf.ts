import type { ContentItem } from './item.js';

/** A buffered item with what pick() learnt about it. */
export interface BufferedItem {
  item: ContentItem;
  /** Times a pick found it already sent to its recipient. */
  strikes: number;
  /** Recipients it was picked for (no-repeat is per recipient). */
  givenTo: Set<string>;
}

/**
 * The items a provider served lately, newest last and at most `size`: they are still good for
 * every recipient who has not had them, so a one-item list serves every friend, two at once too.
 */
export class ServedShelf {
  readonly #items: BufferedItem[] = [];

  constructor(private readonly size: number) {}

  /** `entry` was picked for `recipient` (put on the shelf before the pick is confirmed). */
  add(entry: BufferedItem, recipient: string): void {
    entry.givenTo.add(recipient);
    this.#items.push(entry);
    if (this.#items.length > this.size) this.#items.shift();
  }

  /** Undoes `add`: the pick failed or found a repeat. */
  remove(entry: BufferedItem, recipient?: string): void {
    const at = this.#items.indexOf(entry);
    if (at !== -1) this.#items.splice(at, 1);
    if (recipient !== undefined) entry.givenTo.delete(recipient);
  }

  /**
   * A shelved item `recipient` has not had and `isRecent` does not report; `null` when every
   * candidate was a repeat for them, `undefined` when there was none.
   */
  async pickFor(
    recipient: string,
    usable: (entry: BufferedItem) => boolean,
    isRecent: (itemId: string) => boolean | Promise<boolean>,
  ): Promise<ContentItem | null | undefined> {
    let result: null | undefined;
    for (const entry of [...this.#items]) {
      if (!usable(entry)) continue;
      result = null;
      if (entry.givenTo.has(recipient)) continue;
      // Marked before the await: the same recipient's next pick must not get it twice.
      entry.givenTo.add(recipient);
      try {
        if (!(await isRecent(entry.item.id))) return entry.item;
      } catch (err) {
        entry.givenTo.delete(recipient);
        throw err;
      }
    }
    return result;
  }
}
