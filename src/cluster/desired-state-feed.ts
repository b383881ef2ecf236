import type { FastifyBaseLogger } from 'fastify';

type Stage = Record<string, unknown>;

/** What the feed uses of a driver change stream (structural: mongoose bundles its own driver). */
export interface ChangeStreamLike {
  tryNext(): Promise<unknown>;
  next(): Promise<unknown>;
  close(): Promise<void>;
  /** The driver takes the aggregate's resume token (before its first wait for changes). */
  once(event: 'resumeTokenChanged', listener: () => void): unknown;
}

/** A collection that can be watched (the driver's `Collection`). */
export interface Watchable {
  watch(pipeline: Stage[]): ChangeStreamLike;
}

/** Account fields whose change the owner must act on (a renewal, `lease.expiresAt`, is not one). */
const WATCHED_FIELDS = ['desiredState', 'desiredVersion', 'restartVersion', 'lease', 'lease.owner'];

/**
 * Inserts, deletes and replacements, and updates that set one of the watched fields. Updated
 * fields are keyed by their dotted path (`lease.owner`), hence the comparison of key names.
 */
export const DESIRED_CHANGES: Stage[] = [
  {
    $match: {
      $or: [
        { operationType: { $in: ['insert', 'delete', 'replace'] } },
        {
          $expr: {
            $gt: [
              {
                $size: {
                  $filter: {
                    input: { $objectToArray: { $ifNull: ['$updateDescription.updatedFields', {}] } },
                    cond: { $in: ['$$this.k', WATCHED_FIELDS] },
                  },
                },
              },
              0,
            ],
          },
        },
      ],
    },
  },
];

export interface DesiredStateFeedOptions {
  /** The accounts collection (the driver's, not mongoose's); without it, the poll only. */
  collection?: Watchable;
  /** One desired-state poll (an indexed query); calls never overlap. */
  poll: () => Promise<unknown>;
  /** The poll interval without change streams. */
  pollMs: number;
  /** The safety poll's interval while the change stream runs. */
  safetyPollMs: number;
  logger: FastifyBaseLogger;
  now?: () => number;
}

/**
 * How the owner learns of desired-state changes made on any node: a change stream where the
 * database has them (a replica set, the embedded store), the indexed poll otherwise. A
 * standalone server refuses `$changeStream` (code 40573): the poll from then on. With the
 * stream, every relevant change triggers a poll at once, and a slow safety poll still runs. A
 * stream that fails later (its driver could not resume it: the database restarted and lost its
 * change history, code 286) means the poll at once and a new stream a safety period later.
 */
export class DesiredStateFeed {
  readonly #o: DesiredStateFeedOptions;
  readonly #now: () => number;
  #stream: ChangeStreamLike | undefined;
  #streaming = false;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  #reopenTimer: NodeJS.Timeout | undefined;
  #lastPollAt = 0;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(options: DesiredStateFeedOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** `change-stream` while the database's stream runs; `poll` before, and after any failure. */
  get mode(): 'change-stream' | 'poll' {
    return this.#streaming ? 'change-stream' : 'poll';
  }

  /** Starts the poll timer and tries the change stream; resolves once it knows which it uses. */
  async start(): Promise<void> {
    this.#timer = setInterval(() => {
      if (!this.#streaming || this.#now() - this.#lastPollAt >= this.#o.safetyPollMs) this.trigger();
    }, this.#o.pollMs);
    this.#timer.unref();
    await this.#open(false);
  }

  /** Runs a poll now, or right after the one running (a change may have missed that one's read). */
  trigger(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#lastPollAt = this.#now();
    this.#running = this.#o
      .poll()
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.trigger();
        }
      });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    clearTimeout(this.#reopenTimer);
    await this.#stream?.close().catch(() => undefined);
    await this.#running;
  }

  async #open(reopening: boolean): Promise<void> {
    const collection = this.#o.collection;
    if (!collection || this.#closed) return;
    const stream = collection.watch(DESIRED_CHANGES);
    this.#stream = stream;
    // Accepted once the driver has the aggregate's resume token: the first getMore then waits
    // for changes (up to a second on a quiet collection), which need not hold up the start.
    const accepted = new Promise<void>((resolve) => stream.once('resumeTokenChanged', () => resolve()));
    // The first call sends the aggregate: this is where a standalone server refuses it.
    const first = stream.tryNext();
    try {
      await Promise.race([accepted, first]);
      if (this.#closed) {
        first.catch(() => undefined);
        return;
      }
      this.#streaming = true;
      this.#o.logger.info(
        reopening ? 'change stream reopened: desired-state changes by change stream again' : 'desired-state changes by change stream (with a slow safety poll)',
      );
      // Changes made before the stream opened.
      this.trigger();
      void this.#follow(stream, first);
    } catch (err) {
      if (this.#closed) return;
      void stream.close().catch(() => undefined);
      this.#stream = undefined;
      if (reopening) {
        this.#o.logger.warn({ err }, 'change stream could not be reopened: desired-state changes by poll, trying again later');
        this.#reopenLater();
      } else {
        const { code, message } = err as { code?: unknown; message?: unknown };
        this.#o.logger.info({ code, reason: message }, 'no change streams on this database: desired-state changes by poll');
      }
    }
  }

  async #follow(stream: ChangeStreamLike, first: Promise<unknown>): Promise<void> {
    try {
      if (await first) this.trigger();
      // The driver resumes the stream by itself after transient errors.
      while (!this.#closed) {
        await stream.next();
        this.trigger();
      }
    } catch (err) {
      if (this.#closed) return;
      this.#streaming = false;
      void stream.close().catch(() => undefined);
      this.#stream = undefined;
      this.#o.logger.warn({ err }, 'change stream failed: desired-state changes by poll until it reopens');
      // What the stream would have passed on since it failed.
      this.trigger();
      this.#reopenLater();
    }
  }

  #reopenLater(): void {
    this.#reopenTimer = setTimeout(() => void this.#open(true), this.#o.safetyPollMs);
    this.#reopenTimer.unref();
  }
}
