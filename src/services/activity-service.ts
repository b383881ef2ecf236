import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import { Types } from 'mongoose';
import type { Models } from '../models/index.js';
import type { ActivityEvent } from '../ipc/index.js';
import { toObjectId } from '../utils/cursor.js';
import type { FriendDirectory, FriendEntry } from './friend-directory.js';

/** An activity event as stored, with what the content pipeline needs next. */
export interface StoredActivity {
  accountId: string;
  event: ActivityEvent;
  friend: FriendEntry;
  /** When the server received it from the worker (epoch ms). */
  receivedAt: number;
}

export interface ActivityServiceOptions {
  models: Pick<Models, 'ActivityHistory'>;
  friends: FriendDirectory;
  logger: FastifyBaseLogger;
  /** The most events one write takes; more wait for the next write. @defaultValue 500 */
  maxBatch?: number;
  /** Called with every batch once it is stored (the content pipeline). */
  onStored?: (batch: StoredActivity[]) => void;
  /**
   * Whether this node still holds the account's lease (fencing): events of an account it lost
   * are dropped, not stored. @defaultValue always true
   */
  holdsLease?: (accountId: string) => boolean;
}

const DEFAULTS = { maxBatch: 500, retryMs: 1000 } as const;

/** An event waiting to be stored. Its `_id` is fixed on arrival, so a retried write is idempotent. */
interface Pending {
  _id: Types.ObjectId;
  accountId: string;
  event: ActivityEvent;
  receivedAt: number;
  /** An earlier write of it failed: finding it stored then means that write got through. */
  retried?: boolean;
}

/**
 * Whether a failed write may succeed later as it is: the database was unreachable or busy. Any
 * other failure (a document too large, invalid) would fail the same way on every retry.
 */
function isTransient(err: unknown): boolean {
  const e = err as { name?: string; hasErrorLabel?: (label: string) => boolean };
  return (
    /Network|ServerSelection|NotConnected|Timeout|TopologyClosed|PoolCleared|Mongoose/.test(e.name ?? '') ||
    e.hasErrorLabel?.('RetryableWriteError') === true
  );
}

/** The per-document errors of an unordered insertMany (one, or several), when it has them. */
function writeErrorsOf(err: unknown): Array<{ index: number; code?: number }> | undefined {
  const found = (err as { writeErrors?: unknown }).writeErrors;
  if (found === undefined || found === null) return undefined;
  return (Array.isArray(found) ? found : [found]) as Array<{ index: number; code?: number }>;
}

/**
 * Activity events → ActivityHistory by group commit: when no write is running, the events that
 * arrived in this turn of the event loop are written at once; while one runs, new events gather
 * and go together in the next write, right after it. So a lone event waits for no timer, and a
 * burst costs one insertMany per round trip, never one per event. A failed write keeps its
 * events and retries; `flush()` on shutdown stores every event the server received.
 */
export class ActivityService extends EventEmitter<{ stored: [StoredActivity[]] }> {
  readonly #opts: ActivityServiceOptions;
  #buffer: Pending[] = [];
  /** A write is scheduled or running; events arriving meanwhile join the next one. */
  #writing = false;
  #inFlight: Promise<void> = Promise.resolve();
  #received = 0;
  #stored = 0;
  #dropped = 0;

  constructor(opts: ActivityServiceOptions) {
    super();
    this.#opts = opts;
  }

  /** `fenced`: events dropped because this node no longer held the account's lease. */
  get counts(): { received: number; stored: number; pending: number; fenced: number } {
    return { received: this.#received, stored: this.#stored, pending: this.#buffer.length, fenced: this.#dropped };
  }

  record(accountId: string, event: ActivityEvent): void {
    this.#received++;
    // A change replayed after a session resume comes with the id it had the first time.
    const _id = event.id === undefined ? new Types.ObjectId() : new Types.ObjectId(event.id);
    this.#buffer.push({ _id, accountId, event, receivedAt: Date.now() });
    this.#kick();
  }

  /** Stores everything buffered so far; resolves once it is written. */
  async flush(): Promise<void> {
    // Chain writes so batches are stored in order and a flush waits for earlier ones.
    this.#inFlight = this.#inFlight.then(() => this.#writeBatch());
    await this.#inFlight;
    if (this.#buffer.length > 0) await this.flush();
  }

  /** Starts a write unless one is scheduled or running (that one's successor takes the buffer). */
  #kick(): void {
    if (this.#writing || this.#buffer.length === 0) return;
    this.#writing = true;
    // setImmediate, not a microtask: the other events of this I/O turn join the same write.
    setImmediate(() => {
      this.#inFlight = this.#inFlight
        .then(() => this.#writeBatch())
        .catch((err: unknown) => this.#opts.logger.error({ err }, 'storing activity failed'))
        .finally(() => {
          this.#writing = false;
          this.#kick();
        });
    });
  }

  async #writeBatch(): Promise<void> {
    const batch = this.#fenced(this.#buffer.splice(0, this.#opts.maxBatch ?? DEFAULTS.maxBatch));
    if (batch.length === 0) return;
    let resolved: Array<Pending & { friend: StoredActivity['friend'] | undefined }>;
    try {
      resolved = await this.#resolveFriends(batch);
    } catch (err) {
      return this.#retryLater(batch, err);
    }
    const docs = resolved.map(({ _id, accountId, event, friend }) => ({
      _id,
      accountId: toObjectId(accountId),
      friendId: friend?.friendId,
      discordUserId: event.discordUserId,
      kind: event.kind,
      status: event.status,
      activity: event.activity,
      at: new Date(event.at),
    }));
    let refused: Set<number>;
    const duplicates = new Set<number>();
    try {
      refused = await this.#insert(docs, duplicates);
    } catch (err) {
      return this.#retryLater(batch, err);
    }
    if (refused.size > 0) {
      this.#opts.logger.error({ refused: refused.size }, 'activity events refused by the database; dropped');
    }
    // Already stored by an earlier batch (a replay after a resume), not by an earlier try of this one.
    const replayed = new Set([...duplicates].filter((i) => !batch[i]?.retried));
    this.#stored += batch.length - refused.size - replayed.size;
    const known = resolved.filter(
      (r, i): r is Pending & StoredActivity => !refused.has(i) && !replayed.has(i) && r.friend !== undefined,
    );
    if (known.length > 0) {
      this.#opts.onStored?.(known);
      // Observers (metrics); the content pipeline is `onStored`.
      this.emit('stored', known);
    }
  }

  /**
   * Inserts a batch; resolves with the indexes the database refused for good. Rejects only when
   * the database may accept the batch later (then it is retried whole: `_id`s are fixed, so
   * documents an earlier attempt stored come back as duplicates and count as stored).
   */
  async #insert(docs: Array<Record<string, unknown>>, duplicates: Set<number>): Promise<Set<number>> {
    const refused = new Set<number>();
    try {
      await this.#opts.models.ActivityHistory.insertMany(docs, { ordered: false, lean: true });
      return refused;
    } catch (err) {
      if (isTransient(err)) throw err;
      const writeErrors = writeErrorsOf(err);
      if (writeErrors) {
        for (const e of writeErrors) (e.code === 11000 ? duplicates : refused).add(e.index);
        return refused;
      }
      this.#opts.logger.warn({ err }, 'activity batch refused as a whole; storing its events one by one');
      if (docs.length === 1) return new Set([0]);
    }
    // Refused as a whole with no per-document verdict (the driver rejects an oversized document
    // before sending): find the culprits one document at a time.
    for (const [i, doc] of docs.entries()) {
      const duplicate = new Set<number>();
      if ((await this.#insert([doc], duplicate)).size > 0) refused.add(i);
      if (duplicate.size > 0) duplicates.add(i);
    }
    return refused;
  }

  /** The events of accounts whose lease this node still holds; the others are counted and dropped. */
  #fenced(batch: Pending[]): Pending[] {
    const holds = this.#opts.holdsLease;
    if (!holds) return batch;
    const kept = batch.filter((b) => holds(b.accountId));
    if (kept.length < batch.length) {
      this.#dropped += batch.length - kept.length;
      this.#opts.logger.warn({ dropped: batch.length - kept.length }, 'activity of accounts whose lease this node lost; not stored');
    }
    return kept;
  }

  /** Keeps the events (in order, ahead of newer ones) and tries again shortly. */
  async #retryLater(batch: Pending[], err: unknown): Promise<void> {
    for (const pending of batch) pending.retried = true;
    this.#buffer.unshift(...batch);
    this.#opts.logger.error({ err, pending: this.#buffer.length }, 'storing activity failed; retrying');
    // The next write (kicked when this one ends) starts after the pause.
    await new Promise((r) => setTimeout(r, DEFAULTS.retryMs));
  }

  async #resolveFriends(batch: Pending[]) {
    return Promise.all(
      batch.map(async (b) => ({ ...b, friend: await this.#opts.friends.get(b.accountId, b.event.discordUserId) })),
    );
  }
}
