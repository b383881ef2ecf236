import { SerialByKey } from '../cluster/serial-by-key.js';
import { ConflictError } from './errors.js';

/**
 * A per-user cap on how many of something (accounts, friends) a user may have. Creations of one
 * user run one at a time on this node, so a burst of parallel requests cannot slip past the count.
 */
export class OwnerQuota {
  readonly #serial = new SerialByKey();

  constructor(
    /** 0: unlimited. */
    readonly max: number,
    private readonly code: string,
    /** Plural noun and the variable that sets the cap, for the message. */
    private readonly what: string,
    private readonly variable: string,
  ) {}

  /** Creates when `count()` is under the cap, else rejects with 409 `code`. */
  create<T>(ownerId: string, count: () => Promise<number>, create: () => Promise<T>): Promise<T> {
    if (this.max <= 0) return create();
    return this.#serial.run(ownerId, async () => {
      const have = await count();
      if (have >= this.max) {
        throw new ConflictError(
          this.code,
          `You have ${have} ${this.what}, the most one user may have (${this.variable}=${this.max}); delete one first`,
        );
      }
      return create();
    });
  }
}
