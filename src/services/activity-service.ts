import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import { Types } from 'mongoose';
import type { Models } from '../models/index.js';
import type { ActivityEvent } from '../ipc/index.js';
import { ObjectIdMemo } from '../utils/object-id-memo.js';
import { GroupCommit } from '../utils/group-commit.js';
import { writeErrorsOf } from '../utils/write-errors.js';
import type { FriendDirectory, FriendEntry } from './friend-directory.js';

/** An activity event as stored, with what the content pipeline needs next. */
export interface StoredActivity {
  accountId: string;
  event: ActivityEvent;
  friend: FriendEntry;
  /** When the server received it from the worker (epoch ms). */
  receivedAt: number;
}

/**
 * An activity event handed to the pipeline on arrival, while its write may still be running:
 * `stored` resolves true once it is stored, false when it never will be (fenced, refused, a replay
 * already stored). Nothing may be sent for it before `stored` resolves true.
 */
export interface ReceivedActivity extends StoredActivity {
  stored: Promise<boolean>;
}

export interface ActivityServiceOptions {
  models: Pick<Models, 'ActivityHistory'>;
  friends: FriendDirectory;
  logger: FastifyBaseLogger;
  /** The most events one write takes; more wait for the next write. @defaultValue 500 */
  maxBatch?: number;
  /**
   * Called with each event of a known friend as soon as its friend is known, before it is stored
   * (the content pipeline, which prepares a delivery in parallel with the write).
   */
  onReceived?: (activity: ReceivedActivity) => void;
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
  /**
   * Looked up on arrival (a promise only while the account's friends load); looked up again when
   * that failed and the write is retried.
   */
  friend: FriendEntry | undefined | Promise<FriendEntry | undefined>;
  /** Handed to `onReceived` already. */
  announced: boolean;
  /** Settles the `stored` promise given to the pipeline. */
  settle: (stored: boolean) => void;
  stored: Promise<boolean>;
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

/**
 * Activity events → ActivityHistory by group commit: when no write is running, the events that
 * arrived in this turn of the event loop are written at once; while one runs, new events gather
 * and go together in the next write, right after it. So a lone event waits for no timer, and a
 * burst costs one insert command per round trip, never one per event. A failed write keeps its
 * events and retries; `flush()` on shutdown stores every event the server received. Each event
 * goes to `onReceived` as soon as its friend is known, with a promise of its write's outcome.
 */
export class ActivityService extends EventEmitter<{ stored: [StoredActivity[]] }> {
  readonly #opts: ActivityServiceOptions;
  #buffer: Pending[] = [];
  readonly #commit = new GroupCommit(
    () =>
      (this.#inFlight = this.#inFlight
        .then(() => this.#writeBatch())
        .catch((err: unknown) => this.#opts.logger.error({ err }, 'storing activity failed'))),
    () => this.#buffer.length > 0,
  );
  #inFlight: Promise<void> = Promise.resolve();
  /** Every row of an account carries its id as an ObjectId: parsed once per account. */
  readonly #accountIds = new ObjectIdMemo();
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
    let settle!: (stored: boolean) => void;
    const stored = new Promise<boolean>((resolve) => (settle = resolve));
    const friend = this.#opts.friends.lookup(accountId, event.discordUserId);
    const pending: Pending = { _id, accountId, event, receivedAt: Date.now(), friend, announced: false, settle, stored };
    this.#buffer.push(pending);
    // The pipeline starts now, in parallel with the write; it sends only once `stored` says so.
    if (friend instanceof Promise) friend.then((f) => this.#announce(pending, f), () => {});
    else this.#announce(pending, friend);
    this.#commit.kick();
  }

  #announce(p: Pending, friend: FriendEntry | undefined): void {
    if (p.announced || friend === undefined || !this.#opts.onReceived) return;
    p.announced = true;
    this.#opts.onReceived({ accountId: p.accountId, event: p.event, friend, receivedAt: p.receivedAt, stored: p.stored });
  }

  /** Stores everything buffered so far; resolves once it is written. */
  async flush(): Promise<void> {
    // Chain writes so batches are stored in order and a flush waits for earlier ones.
    this.#inFlight = this.#inFlight.then(() => this.#writeBatch());
    await this.#inFlight;
    if (this.#buffer.length > 0) await this.flush();
  }

  async #writeBatch(): Promise<void> {
    const batch = this.#fenced(this.#buffer.splice(0, this.#opts.maxBatch ?? DEFAULTS.maxBatch));
    if (batch.length === 0) return;
    try {
      await this.#store(batch);
    } catch (err) {
      // Not a failed write (those are retried): a bug. Its events are lost; nothing may wait on them.
      for (const p of batch) p.settle(false);
      throw err;
    }
  }

  async #store(batch: Pending[]): Promise<void> {
    let friends: Array<FriendEntry | undefined>;
    try {
      // Known on arrival as a rule: no promise to wait for.
      const lookups = batch.map((p) => p.friend);
      friends = lookups.some((f) => f instanceof Promise)
        ? await Promise.all(lookups.map(async (f) => f))
        : (lookups as Array<FriendEntry | undefined>);
    } catch (err) {
      return this.#retryLater(batch, err);
    }
    const docs = batch.map(({ _id, accountId, event }, i) => ({
      _id,
      accountId: this.#accountIds.of(accountId),
      friendId: friends[i]?.friendId,
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
    const known: StoredActivity[] = [];
    for (const [i, p] of batch.entries()) {
      const friend = friends[i];
      const stored = !refused.has(i) && !replayed.has(i);
      if (stored && friend !== undefined) {
        // A friend whose lookup failed on arrival reaches the pipeline now, already stored.
        this.#announce(p, friend);
        known.push({ accountId: p.accountId, event: p.event, friend, receivedAt: p.receivedAt });
      }
      p.settle(stored);
    }
    // Observers (metrics); the content pipeline is `onReceived`.
    if (known.length > 0) this.emit('stored', known);
  }

  /**
   * Inserts a batch; resolves with the indexes the database refused for good. Rejects only when
   * the database may accept the batch later (then it is retried whole: `_id`s are fixed, so
   * documents an earlier attempt stored come back as duplicates and count as stored).
   */
  async #insert(docs: Array<Record<string, unknown>>, duplicates: Set<number>): Promise<Set<number>> {
    const refused = new Set<number>();
    try {
      await this.#opts.models.ActivityHistory.insertPlain(docs);
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
    const kept: Pending[] = [];
    for (const b of batch) {
      if (holds(b.accountId)) kept.push(b);
      else b.settle(false);
    }
    if (kept.length < batch.length) {
      this.#dropped += batch.length - kept.length;
      this.#opts.logger.warn({ dropped: batch.length - kept.length }, 'activity of accounts whose lease this node lost; not stored');
    }
    return kept;
  }

  /** Keeps the events (in order, ahead of newer ones) and tries again shortly. */
  async #retryLater(batch: Pending[], err: unknown): Promise<void> {
    for (const pending of batch) {
      pending.retried = true;
      // A lookup that failed is tried again with the write (a good one is kept).
      if (!(pending.friend instanceof Promise)) continue;
      const again = pending.friend.catch(() => this.#opts.friends.get(pending.accountId, pending.event.discordUserId));
      again.catch(() => {}); // handled by the next write
      pending.friend = again;
    }
    this.#buffer.unshift(...batch);
    this.#opts.logger.error({ err, pending: this.#buffer.length }, 'storing activity failed; retrying');
    // The next write (kicked when this one ends) starts after the pause.
    await new Promise((r) => setTimeout(r, DEFAULTS.retryMs));
  }
}
