import { randomBytes } from 'node:crypto';
import type { LiveEvent, LiveEventData, LiveEventType } from './live-event.js';

export interface EventBusOptions {
  /** Events kept for `Last-Event-ID` replays. @defaultValue 10000 */
  maxEvents?: number;
  /** Events older than this are not replayed. @defaultValue 600000 (10 min) */
  maxAgeMs?: number;
  /**
   * The account's owner: synchronously when known, or a promise (the first event of an account
   * this node has not seen yet). Undefined means the account is gone: its events are dropped.
   */
  ownerOf: (accountId: string) => string | undefined | Promise<string | undefined>;
  /** @defaultValue Date.now */
  now?: () => number;
}

interface Waiting {
  type: LiveEventType;
  data: LiveEventData[LiveEventType];
}

/**
 * A buffered event. Its JSON is built when a stream first sends it, then shared: most events
 * (every activity, presence, delivery and log line) are never streamed by anyone.
 */
class BufferedEvent<T extends LiveEventType> implements LiveEvent<T> {
  readonly accountId: string;
  readonly #data: LiveEventData[T];
  #json: string | undefined;

  constructor(
    readonly id: string,
    readonly seq: number,
    readonly type: T,
    readonly ownerId: string,
    readonly at: number,
    data: LiveEventData[T],
  ) {
    this.accountId = data.accountId;
    this.#data = data;
  }

  get json(): string {
    return (this.#json ??= JSON.stringify({ ...this.#data, at: this.at }));
  }
}

/** What `since()` answers: the events after an id, or `reset` when they are no longer all here. */
export type Replay = { events: LiveEvent[] } | { reset: true };

/**
 * The in-process bus every live event goes through: the supervisor and the pipeline publish,
 * `GET /api/events` streams read. It numbers events, keeps the last ones in a ring for
 * reconnecting clients, and knows nothing about HTTP.
 *
 * Per node: a stream sees the events of the workers and pipeline of the node it is connected
 * to. A multi-node deployment can feed remote events in through `publish` as well (the ids stay
 * this node's).
 */
export class EventBus {
  readonly boot = randomBytes(4).toString('hex');
  readonly #maxEvents: number;
  readonly #maxAgeMs: number;
  readonly #ownerOf: EventBusOptions['ownerOf'];
  readonly #now: () => number;
  /** Ring buffer: `#ring[seq % maxEvents]`. */
  readonly #ring: Array<LiveEvent | undefined>;
  #seq = 0;
  /** Events of accounts whose owner is being looked up, in order. */
  readonly #waiting = new Map<string, Waiting[]>();
  /** Subscribers by owner, so an event reaches only its owner's streams (key `undefined`: every owner's). */
  readonly #subscribers = new Map<string | undefined, Set<(event: LiveEvent) => void>>();

  constructor(opts: EventBusOptions) {
    this.#maxEvents = opts.maxEvents ?? 10_000;
    this.#maxAgeMs = opts.maxAgeMs ?? 600_000;
    this.#ownerOf = opts.ownerOf;
    this.#now = opts.now ?? Date.now;
    this.#ring = new Array<LiveEvent | undefined>(this.#maxEvents);
  }

  /** The id of the newest event (`<boot>.0` before the first). */
  get lastId(): string {
    return `${this.boot}.${this.#seq}`;
  }

  /** The sequence number of the newest event (0 before the first). */
  get lastSeq(): number {
    return this.#seq;
  }

  /**
   * Calls `listener` with every event of `owner`'s accounts from now on (every account's when
   * `owner` is undefined), in order; returns the unsubscribe function.
   */
  subscribe(owner: string | undefined, listener: (event: LiveEvent) => void): () => void {
    let set = this.#subscribers.get(owner);
    if (!set) this.#subscribers.set(owner, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#subscribers.get(owner) === set) this.#subscribers.delete(owner);
    };
  }

  /** Numbers, buffers and emits an event. Events of one account keep their order. */
  publish<T extends LiveEventType>(type: T, data: LiveEventData[T]): void {
    const { accountId } = data;
    const queue = this.#waiting.get(accountId);
    if (queue) {
      queue.push({ type, data });
      return;
    }
    const owner = this.#ownerOf(accountId);
    if (typeof owner === 'string') return this.#emitEvent(type, data, owner);
    if (owner === undefined) return;
    const pending: Waiting[] = [{ type, data }];
    this.#waiting.set(accountId, pending);
    void owner
      .catch(() => undefined)
      .then((found) => {
        this.#waiting.delete(accountId);
        if (found !== undefined) for (const w of pending) this.#emitEvent(w.type, w.data, found);
      });
  }

  /**
   * The buffered events after `lastId`, oldest first; `reset` when the id is from another
   * server run, in the future, or older than what the buffer still holds.
   */
  since(lastId: string): Replay {
    const [boot, seqText] = lastId.split('.');
    const seq = Number(seqText);
    if (boot !== this.boot || !Number.isSafeInteger(seq) || seq < 0 || seq > this.#seq) return { reset: true };
    const events: LiveEvent[] = [];
    const oldestAt = this.#now() - this.#maxAgeMs;
    for (let s = seq + 1; s <= this.#seq; s++) {
      const event = this.#ring[s % this.#maxEvents];
      if (event?.seq !== s || event.at < oldestAt) return { reset: true };
      events.push(event);
    }
    return { events };
  }

  #emitEvent<T extends LiveEventType>(type: T, data: LiveEventData[T], ownerId: string): void {
    const seq = ++this.#seq;
    const at = this.#now();
    const event = new BufferedEvent(`${this.boot}.${seq}`, seq, type, ownerId, at, data);
    this.#ring[seq % this.#maxEvents] = event;
    const everyOwner = this.#subscribers.get(undefined);
    if (everyOwner) for (const listener of everyOwner) listener(event);
    const owners = this.#subscribers.get(ownerId);
    if (owners) for (const listener of owners) listener(event);
  }
}
