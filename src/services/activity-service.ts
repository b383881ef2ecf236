import type { FastifyBaseLogger } from 'fastify';
import type { Models } from '../models/index.js';
import type { ActivityEvent } from '../supervisor/protocol.js';
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
  /** Flush a batch after this long. Keeps presence → stored latency low. @defaultValue 20 */
  flushIntervalMs?: number;
  /** Flush at once when this many events are waiting. @defaultValue 500 */
  maxBatch?: number;
  /** Called with every batch once it is stored (the content pipeline). */
  onStored?: (batch: StoredActivity[]) => void;
}

const DEFAULTS = { flushIntervalMs: 20, maxBatch: 500, retryMs: 1000 } as const;

/**
 * Activity events → ActivityHistory in batches (one insertMany per batch, never one round trip
 * per event). A failed write keeps its events and retries; `flush()` on shutdown stores every
 * event the server received.
 */
export class ActivityService {
  readonly #opts: ActivityServiceOptions;
  #buffer: Array<{ accountId: string; event: ActivityEvent; receivedAt: number }> = [];
  #timer?: NodeJS.Timeout;
  #inFlight: Promise<void> = Promise.resolve();
  #received = 0;
  #stored = 0;

  constructor(opts: ActivityServiceOptions) {
    this.#opts = opts;
  }

  get counts(): { received: number; stored: number; pending: number } {
    return { received: this.#received, stored: this.#stored, pending: this.#buffer.length };
  }

  record(accountId: string, event: ActivityEvent): void {
    this.#received++;
    this.#buffer.push({ accountId, event, receivedAt: Date.now() });
    if (this.#buffer.length >= (this.#opts.maxBatch ?? DEFAULTS.maxBatch)) this.#flushSoon(0);
    else this.#flushSoon(this.#opts.flushIntervalMs ?? DEFAULTS.flushIntervalMs);
  }

  /** Stores everything buffered so far; resolves once it is written. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    // Chain writes so batches are stored in order and a flush waits for earlier ones.
    this.#inFlight = this.#inFlight.then(() => this.#writeBatch());
    await this.#inFlight;
    if (this.#buffer.length > 0) await this.flush();
  }

  #flushSoon(delayMs: number): void {
    if (this.#timer && delayMs > 0) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#inFlight = this.#inFlight.then(() => this.#writeBatch());
    }, delayMs);
  }

  async #writeBatch(): Promise<void> {
    const batch = this.#buffer.splice(0, this.#opts.maxBatch ?? DEFAULTS.maxBatch);
    if (batch.length === 0) return;
    try {
      const resolved = await this.#resolveFriends(batch);
      await this.#opts.models.ActivityHistory.insertMany(
        resolved.map(({ accountId, event, friend }) => ({
          accountId: toObjectId(accountId),
          friendId: friend?.friendId,
          discordUserId: event.discordUserId,
          kind: event.kind,
          status: event.status,
          activity: event.activity,
          at: new Date(event.at),
        })),
        { ordered: false, lean: true },
      );
      this.#stored += batch.length;
      const known = resolved.filter((r): r is StoredActivity => r.friend !== undefined);
      if (known.length > 0) this.#opts.onStored?.(known);
    } catch (err) {
      // Keep the events (in order, ahead of newer ones) and try again shortly.
      this.#buffer.unshift(...batch);
      this.#opts.logger.error({ err, pending: this.#buffer.length }, 'storing activity failed; retrying');
      await new Promise((r) => setTimeout(r, DEFAULTS.retryMs));
      this.#flushSoon(0);
    }
  }

  async #resolveFriends(batch: Array<{ accountId: string; event: ActivityEvent; receivedAt: number }>) {
    return Promise.all(
      batch.map(async (b) => ({ ...b, friend: await this.#opts.friends.get(b.accountId, b.event.discordUserId) })),
    );
  }
}
