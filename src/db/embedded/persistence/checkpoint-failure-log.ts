import type { Logger } from 'pino';
import { EMBEDDED_MONGO_DEFAULTS } from '../constants.js';

/** A failed background checkpoint, as the thread reports it. */
export interface CheckpointFailure {
  message: string;
  /** SQLite's extended code, e.g. `SQLITE_IOERR_WRITE` or `SQLITE_FULL`, when there is one. */
  code?: string | undefined;
}

/** While checkpoints keep failing, one line at most this often. */
export const CHECKPOINT_FAILURE_REPEAT_MS = 60_000;

const FALLBACK = `the store's own connection checkpoints past ${EMBEDDED_MONGO_DEFAULTS.walAutocheckpointPages} WAL pages`;

/**
 * Logs the checkpointer thread's failures so that a lasting one (a full disk, a read-only file
 * system, an I/O error) is seen without flooding the log: the thread retries every 200 ms. The
 * first failure is logged at once with its error; while they go on, at most one line a minute
 * with how many attempts failed since the previous line; one line when a checkpoint succeeds again.
 */
export class CheckpointFailureLog {
  readonly #logger: Logger | undefined;
  readonly #now: () => number;
  /** When the current run of failures began (undefined: checkpoints succeed). */
  #failingSince: number | undefined;
  #lastLineAt = 0;
  #failedSinceLine = 0;
  #failedInRun = 0;

  constructor(logger: Logger | undefined, now: () => number = () => Date.now()) {
    this.#logger = logger;
    this.#now = now;
  }

  failed(failure: CheckpointFailure): void {
    const now = this.#now();
    this.#failedInRun++;
    this.#failedSinceLine++;
    const reason = { reason: failure.message, code: failure.code };
    if (this.#failingSince === undefined) {
      this.#failingSince = now;
      this.#logger?.warn(reason, `WAL checkpoint failed; retrying (meanwhile ${FALLBACK})`);
    } else if (now - this.#lastLineAt >= CHECKPOINT_FAILURE_REPEAT_MS) {
      this.#logger?.warn(
        { ...reason, failedAttempts: this.#failedSinceLine, failingForMs: now - this.#failingSince },
        'WAL checkpoints still failing',
      );
    } else return;
    this.#lastLineAt = now;
    this.#failedSinceLine = 0;
  }

  /** A checkpoint succeeded after failing ones. */
  recovered(): void {
    if (this.#failingSince === undefined) return;
    this.#logger?.info(
      { failedAttempts: this.#failedInRun, failingForMs: this.#now() - this.#failingSince },
      'WAL checkpoints succeed again',
    );
    this.#failingSince = undefined;
    this.#failedInRun = 0;
    this.#failedSinceLine = 0;
  }

  /** The thread is gone for good (it could not start, or died). */
  stopped(message: string): void {
    this.#logger?.warn({ reason: message }, `WAL checkpoint thread stopped; ${FALLBACK}`);
  }
}
