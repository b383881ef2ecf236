/** What the schedule flushes: a stream with frames waiting. */
export interface Flushable {
  flush(): void;
}

export interface FlushScheduleOptions {
  /** Delay of a round of writes after a quiet spell: a lone event waits this long. */
  flushMs: number;
  /** Least time from one round of writes to the next while events keep coming. */
  steadyFlushMs: number;
  /** @defaultValue performance.now */
  now?: () => number;
  /** @defaultValue an unref'd setTimeout */
  setTimer?: (run: () => void, ms: number) => NodeJS.Timeout;
}

/**
 * When the open event streams write. Every stream with frames waiting is flushed in the same
 * round, one write each, so the cost of fanning events out follows the number of rounds, not
 * the number of events: a write (a system call, and a wake-up of the reader) costs far more
 * than a frame. After a quiet spell a round comes `flushMs` after the first event; while events
 * keep coming, rounds are at least `steadyFlushMs` apart, so a steady flow of events reaches each
 * client in one write per `steadyFlushMs` instead of one per event.
 */
export class FlushSchedule<T extends Flushable = Flushable> {
  readonly #dirty = new Set<T>();
  readonly #flushMs: number;
  readonly #steadyFlushMs: number;
  readonly #now: () => number;
  readonly #setTimer: (run: () => void, ms: number) => NodeJS.Timeout;
  #timer: NodeJS.Timeout | undefined;
  #lastRoundAt = -Infinity;
  readonly #round = () => this.#flushAll();

  constructor(opts: FlushScheduleOptions) {
    this.#flushMs = opts.flushMs;
    this.#steadyFlushMs = opts.steadyFlushMs;
    this.#now = opts.now ?? (() => performance.now());
    this.#setTimer = opts.setTimer ?? ((run, ms) => setTimeout(run, ms).unref());
  }

  /** The delay the next round would get if a stream asked now (ms). */
  get nextDelay(): number {
    return Math.max(this.#flushMs, this.#lastRoundAt + this.#steadyFlushMs - this.#now());
  }

  /** Flushes `stream` in the next round. */
  add(stream: T): void {
    this.#dirty.add(stream);
    this.#timer ??= this.#setTimer(this.#round, this.nextDelay);
  }

  /** Drops the pending round (shutdown). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dirty.clear();
  }

  #flushAll(): void {
    this.#timer = undefined;
    this.#lastRoundAt = this.#now();
    for (const stream of this.#dirty) stream.flush();
    this.#dirty.clear();
  }
}
