import { ConflictError } from './errors.js';
import type { Slot, SlotCounter } from './slot-counter.js';

/**
 * A per-user cap on how many of something (accounts, friends) a user may have, held across every
 * node by a shared counter (`SlotCounter`): a creation reserves a slot first and gives it back
 * when it fails; a deletion gives back what it deleted.
 */
export class OwnerQuota {
  constructor(
    private readonly counter: SlotCounter,
    /** 0: unlimited (still counted, so a cap set later starts from the truth). */
    readonly max: number,
    private readonly code: string,
    /** Plural noun and the variable that sets the cap, for the message. */
    private readonly what: string,
    private readonly variable: string,
  ) {}

  #key(ownerId: string): string {
    return `${this.what}:${ownerId}`;
  }

  /** Creates when the owner has a slot left (`count()` says how many they have), else rejects with 409 `code`. */
  async create<T>(ownerId: string, count: () => Promise<number>, create: () => Promise<T>): Promise<T> {
    const key = this.#key(ownerId);
    const slot = await this.counter.take(key, 1, this.max > 0 ? this.max : Number.MAX_SAFE_INTEGER, count);
    if (!slot) {
      const have = await count();
      throw new ConflictError(
        this.code,
        `You have ${have} ${this.what}, the most one user may have (${this.variable}=${this.max}); delete one first`,
      );
    }
    try {
      return await create();
    } catch (err) {
      await this.counter.release(key, 1, slot);
      throw err;
    }
  }

  /** Read before deleting: what `removed` needs to give the slots back. */
  async beforeRemove(ownerId: string): Promise<Slot | null> {
    return this.counter.current(this.#key(ownerId));
  }

  /** `deleted` of the owner's are gone: their slots are free again. */
  async removed(ownerId: string, deleted: number, slot: Slot | null): Promise<void> {
    await this.counter.release(this.#key(ownerId), deleted, slot);
  }
}
