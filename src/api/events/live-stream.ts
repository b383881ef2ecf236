import type { FastifyReply } from 'fastify';
import type { EventBus } from '../../events/event-bus.js';
import type { LiveEvent, LiveEventType } from '../../events/live-event.js';

export interface LiveStreamOptions {
  bus: EventBus;
  /** Which events this client gets (its accounts, the types it asked for). */
  accept: (event: LiveEvent) => boolean;
  /** `Last-Event-ID` of a reconnecting client. */
  lastEventId?: string;
  /** Events waiting for a slow client before it is cut off. */
  maxQueued: number;
  /** When the stream ends by itself (the access token's expiry, epoch ms). */
  validUntil: number;
  /** How often the client's resume point is moved past events it did not want. */
  idAdvanceMs: number;
}

interface Outgoing {
  id?: string;
  event?: string;
  data: string | undefined;
}

/** Why the server ended a stream; sent as a last `disconnect` event. */
export type DisconnectReason = 'slow-consumer' | 'token-expired' | 'server-shutdown';

/**
 * One open `GET /api/events`: replays what a reconnecting client missed, then forwards live
 * events through a bounded queue. @fastify/sse writes with backpressure; a client that falls
 * `maxQueued` events behind is disconnected with a reason instead of being buffered for.
 */
export class LiveStream {
  readonly #reply: FastifyReply;
  readonly #opts: LiveStreamOptions;
  readonly #queue: Outgoing[] = [];
  #pumping = false;
  #open = true;
  /** The newest bus position this client has been sent (or has no interest in). */
  #position = 0;
  #sentPosition = 0;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #onEvent = (event: LiveEvent) => this.#offer(event);
  #onEnd: () => void = () => {};

  constructor(reply: FastifyReply, opts: LiveStreamOptions) {
    this.#reply = reply;
    this.#opts = opts;
  }

  /** Starts streaming; `onEnd` runs once the connection is gone, whoever closed it. */
  start(onEnd: () => void): void {
    this.#onEnd = onEnd;
    const { bus } = this.#opts;
    const sse = this.#reply.sse;
    sse.keepAlive();
    sse.onClose(() => this.#cleanup());
    // Replay and subscribe in the same turn: nothing published in between is lost or repeated.
    const replay = this.#opts.lastEventId === undefined ? undefined : bus.since(this.#opts.lastEventId);
    bus.on('event', this.#onEvent);
    const position = Number(bus.lastId.split('.')[1]);
    if (replay && 'reset' in replay) {
      this.#enqueue({ id: bus.lastId, event: 'reset', data: JSON.stringify({ reason: 'missed events are no longer buffered; reload' }) });
    } else {
      for (const event of replay?.events ?? []) this.#offer(event);
      this.#enqueue({ id: bus.lastId, event: 'hello', data: JSON.stringify({ resumed: replay !== undefined }) });
    }
    this.#position = this.#sentPosition = position;
    const untilExpiry = Math.min(Math.max(this.#opts.validUntil - Date.now(), 0), 2 ** 31 - 1);
    this.#timers.push(setTimeout(() => this.end('token-expired'), untilExpiry));
    this.#timers.push(setInterval(() => this.#advanceId(), this.#opts.idAdvanceMs));
    for (const t of this.#timers) t.unref();
  }

  /** Ends the stream with a last `disconnect` event naming the reason. */
  end(reason: DisconnectReason): void {
    if (!this.#open) return;
    this.#queue.length = 0;
    const sse = this.#reply.sse;
    // One small write past the queue is bounded; a client that never reads is destroyed below.
    sse.send({ event: 'disconnect', data: JSON.stringify({ reason }) }).catch(() => {});
    this.#cleanup();
    sse.close();
    setTimeout(() => this.#reply.raw.destroy(), 5_000).unref();
  }

  #offer(event: LiveEvent): void {
    this.#position = event.seq;
    if (!this.#opts.accept(event)) return;
    this.#sentPosition = event.seq;
    this.#enqueue({ id: event.id, event: event.type satisfies LiveEventType, data: event.json });
  }

  /** An id-only message moves the client's Last-Event-ID without an event (SSE spec). */
  #advanceId(): void {
    if (this.#position === this.#sentPosition) return;
    this.#sentPosition = this.#position;
    this.#enqueue({ id: `${this.#opts.bus.boot}.${this.#position}`, data: undefined });
  }

  #enqueue(message: Outgoing): void {
    if (!this.#open) return;
    if (this.#queue.length >= this.#opts.maxQueued) return this.end('slow-consumer');
    this.#queue.push(message);
    if (!this.#pumping) void this.#pump();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (this.#open && this.#queue.length > 0) await this.#reply.sse.send(this.#queue.shift()!);
    } catch {
      // The connection closed under us: onClose cleans up.
    } finally {
      this.#pumping = false;
    }
  }

  #cleanup(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#opts.bus.off('event', this.#onEvent);
    for (const t of this.#timers) clearTimeout(t);
    this.#onEnd();
  }
}
