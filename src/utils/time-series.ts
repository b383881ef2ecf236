/**
 * Ids with timestamps, kept in time order: how many fall at or after an instant is a binary
 * search, adding the newest is an append, dropping the oldest moves a start index (the arrays are
 * compacted once most of them is dropped).
 */
export class TimeSeries {
  #ids: number[] = [];
  #ats: number[] = [];
  /** Entries before this index are dropped. */
  #head = 0;

  get size(): number {
    return this.#ats.length - this.#head;
  }

  add(id: number, at: number): void {
    const last = this.#ats.length - 1;
    if (last < this.#head || this.#ats[last]! <= at) {
      this.#ids.push(id);
      this.#ats.push(at);
      return;
    }
    // Out of order (a clock step back): after every entry at the same instant.
    const i = this.#indexFrom(at, true);
    this.#ids.splice(i, 0, id);
    this.#ats.splice(i, 0, at);
  }

  /** How many entries are at `t` or later. */
  countSince(t: number): number {
    return this.#ats.length - this.#indexFrom(t);
  }

  /** The newest entry's instant. */
  lastAt(): number | undefined {
    return this.size === 0 ? undefined : this.#ats[this.#ats.length - 1];
  }

  /** Removes one entry by id (searched from the newest: removals concern recent ones). */
  remove(id: number): boolean {
    for (let i = this.#ids.length - 1; i >= this.#head; i--) {
      if (this.#ids[i] !== id) continue;
      this.#ids.splice(i, 1);
      this.#ats.splice(i, 1);
      return true;
    }
    return false;
  }

  /** Drops the entries before `t`, oldest first, telling `onDrop` each id. */
  dropBefore(t: number, onDrop?: (id: number) => void): void {
    const end = this.#indexFrom(t);
    if (onDrop) for (let i = this.#head; i < end; i++) onDrop(this.#ids[i]!);
    this.#head = end;
    if (this.#head === this.#ats.length) {
      this.#ids = [];
      this.#ats = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#ats.length) {
      this.#ids = this.#ids.slice(this.#head);
      this.#ats = this.#ats.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The first index whose instant is at or after `t` — or strictly after it with `after`. */
  #indexFrom(t: number, after = false): number {
    let lo = this.#head;
    let hi = this.#ats.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.#ats[mid]!;
      if (at < t || (after && at === t)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
