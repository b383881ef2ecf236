/**
 * When each document of a TTL index is due, earliest first: a binary min-heap over two parallel
 * arrays (no object per entry, so it costs the collector nothing per document). Entries are not
 * removed when a document is deleted or its date changes: the sweeper checks each due entry
 * against the document as it is now, and a changed date pushes a new entry.
 */
export class ExpiryQueue {
  #dues: number[] = [];
  #ids: string[] = [];

  get size(): number {
    return this.#dues.length;
  }

  push(due: number, idKey: string): void {
    const dues = this.#dues;
    const ids = this.#ids;
    let i = dues.length;
    dues.push(due);
    ids.push(idKey);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((dues[parent] as number) <= due) break;
      dues[i] = dues[parent] as number;
      ids[i] = ids[parent] as string;
      i = parent;
    }
    dues[i] = due;
    ids[i] = idKey;
  }

  /** Removes and returns the `_id` keys of every entry due at or before `now`. */
  popDue(now: number): string[] {
    const out: string[] = [];
    while (this.#dues.length > 0 && (this.#dues[0] as number) <= now) out.push(this.#pop());
    return out;
  }

  clear(): void {
    this.#dues = [];
    this.#ids = [];
  }

  #pop(): string {
    const dues = this.#dues;
    const ids = this.#ids;
    const top = ids[0] as string;
    const lastDue = dues.pop() as number;
    const lastId = ids.pop() as string;
    const n = dues.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && (dues[right] as number) < (dues[left] as number) ? right : left;
      if ((dues[child] as number) >= lastDue) break;
      dues[i] = dues[child] as number;
      ids[i] = ids[child] as string;
      i = child;
    }
    dues[i] = lastDue;
    ids[i] = lastId;
    return top;
  }
}
