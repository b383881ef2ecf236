/**
 * When to write, for a buffer written by group commit: `kick()` starts a write unless one is
 * scheduled or running, in the next turn of the event loop (`setImmediate`, not a microtask, so
 * the rest of this I/O turn joins it) or after `gatherMs`. Whatever arrives while a write runs
 * goes in the next one, started right after. So a lone item waits for no timer, and a burst costs
 * one write per round trip.
 */
export class GroupCommit {
  readonly #write: () => Promise<void>;
  readonly #hasWork: () => boolean;
  readonly #gatherMs: number;
  /** A write is scheduled or running. */
  #busy = false;

  constructor(write: () => Promise<void>, hasWork: () => boolean, gatherMs = 0) {
    this.#write = write;
    this.#hasWork = hasWork;
    this.#gatherMs = gatherMs;
  }

  kick(): void {
    if (this.#busy || !this.#hasWork()) return;
    this.#busy = true;
    const run = () => {
      void this.#write().finally(() => {
        this.#busy = false;
        this.kick();
      });
    };
    if (this.#gatherMs > 0) setTimeout(run, this.#gatherMs);
    else setImmediate(run);
  }
}
