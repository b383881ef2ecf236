import type { Models } from '../models/index.js';

/**
 * How long a reservation may take to become what it reserved (an insert, a rule write). While the
 * counter changed more recently than this, a recount lower than the counter may be a creation on
 * its way on some node, so the counter is left alone.
 */
export const SLOT_SETTLE_MS = 60_000;

/** A reservation: the counter's generation when it was taken, for its release. */
export interface Slot {
  gen: number;
}

/**
 * Counts toward a limit across every node with single conditional updates on one shared
 * document per key (no transactions, no locks): `take` raises the count only while it stays
 * within the limit, so parallel requests on any number of nodes never pass it together.
 *
 * The counter is an upper bound of what exists: a creation reserves first and releases when it
 * fails; a deletion releases after it is done. What a crash leaves behind (a reservation never
 * used or released) is corrected when a `take` finds the limit reached: the truth is recounted
 * and, once no reservation is recent (`SLOT_SETTLE_MS`), written in place of the counter.
 */
export class SlotCounter {
  constructor(
    private readonly model: Models['QuotaCounter'],
    private readonly settleMs = SLOT_SETTLE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes `k` slots of `key` when at most `max` are then taken, else resolves null. `recount`
   * says how many exist now; it builds a missing counter and corrects a full one.
   */
  async take(key: string, k: number, max: number, recount: () => Promise<number>): Promise<Slot | null> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const taken = await this.model
        .findOneAndUpdate({ _id: key, n: { $lte: max - k } }, { $inc: { n: k }, $set: { at: new Date(this.now()) } }, { returnDocument: 'after' })
        .lean();
      if (taken) return { gen: taken.gen ?? 0 };
      const current = await this.model.findById(key).lean();
      if (!current) await this.#build(key, recount);
      // Not full: it was missing when the update ran, and another request built it since.
      else if (current.n > max - k && !(await this.#correct(current, recount))) return null;
    }
    return null;
  }

  /**
   * Gives back `k` slots: a reservation that was not used, or what was deleted (`slot` read by
   * `current()` before the deletion). Not applied when a recount corrected the counter since:
   * that recount may not have seen the deletion, and the counter stays an upper bound.
   */
  async release(key: string, k: number, slot: Slot | null): Promise<void> {
    if (k <= 0 || !slot) return;
    await this.model.updateOne({ _id: key, gen: slot.gen, n: { $gte: k } }, { $inc: { n: -k } });
  }

  /** The counter's generation now, for a release after a deletion; null without a counter. */
  async current(key: string): Promise<Slot | null> {
    const doc = await this.model.findById(key, { gen: 1 }).lean();
    return doc ? { gen: doc.gen ?? 0 } : null;
  }

  /** Forgets the counter of something that is gone (a deleted account's regex triggers). */
  async drop(key: string): Promise<void> {
    await this.model.deleteOne({ _id: key });
  }

  /** A first counter from what exists (data from before counters, or a dropped one). */
  async #build(key: string, recount: () => Promise<number>): Promise<void> {
    const n = await recount();
    try {
      await this.model.create({ _id: key, n, gen: 0, at: new Date(0) });
    } catch (err) {
      // Another request built it meanwhile: use theirs.
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }

  /**
   * Lowers a full counter to the recount when no reservation is recent; true when the counter
   * was above the recount (corrected here, or changed meanwhile by another request: worth another
   * try either way).
   */
  async #correct(doc: { _id: string; n: number; gen?: number | null; at?: Date | null }, recount: () => Promise<number>): Promise<boolean> {
    const at = doc.at ?? new Date(0);
    if (this.now() - at.getTime() < this.settleMs) return false;
    const n = await recount();
    if (n >= doc.n) return false;
    await this.model.updateOne({ _id: doc._id, n: doc.n, gen: doc.gen ?? 0, at }, { $set: { n }, $inc: { gen: 1 } });
    return true;
  }
}
