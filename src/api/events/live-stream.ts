import type { FastifyReply } from 'fastify';
import type { EventBus } from '../../events/event-bus.js';
import type { DisconnectReason, LiveEvent, StreamEventData } from '../../events/live-event.js';

export interface LiveStreamOptions {
  bus: EventBus;
  /** Whose live events the stream subscribes to (undefined: every user's, for an admin's `all=true`). */
  owner: string | undefined;
  /** Which events this client gets (its accounts, the types it asked for); replays are filtered only by this. */
  accept: (event: LiveEvent) => boolean;
  /** `Last-Event-ID` of a reconnecting client. */
  lastEventId?: string;
  /** Events waiting for a slow client before it is cut off. */
  maxQueued: number;
  /** When the stream ends by itself (the access token's expiry, epoch ms). */
  validUntil: number;
  /** How often the client's resume point is moved past events it did not want. */
  idAdvanceMs: number;
  /** Asks for `flush()` soon: frames of many events then go out in one write (see LiveEvents). */
  scheduleFlush: (stream: LiveStream) => void;
}

/** A burst this large is written at once instead of waiting for the flush timer. */
const FLUSH_AT_FRAMES = 64;

/** One SSE frame. Event data is JSON (no raw newlines), so one `data:` line always suffices. */
const frame = (id: string | undefined, event: string | undefined, data: string | undefined): string =>
  `${id === undefined ? '' : `id: ${id}\n`}${event === undefined ? '' : `event: ${event}\n`}${data === undefined ? '' : `data: ${data}\n`}\n`;

/** An event's frame, built once and shared by every stream that sends it. */
const frameOf = (event: LiveEvent & { frame?: string }): string => (event.frame ??= frame(event.id, event.type, event.json));

/**
 * One open `GET /api/events`: replays what a reconnecting client missed, then forwards live
 * events. @fastify/sse negotiates, writes the headers and heartbeats and reports the close; the
 * frames themselves are written here, pre-formatted once per event, because that path runs for
 * every event times every stream. Frames gather for a few milliseconds and go out in one write
 * (one system call for a burst instead of one per event); when the socket pushes back they wait
 * for `drain`. A client that falls `maxQueued` frames behind is disconnected with a reason
 * instead of being buffered for.
 */
export class LiveStream {
  readonly #reply: FastifyReply;
  readonly #opts: LiveStreamOptions;
  readonly #queue: string[] = [];
  #blocked = false;
  #open = true;
  /** The bus position of the newest event or id-only frame sent to this client. */
  #sentPosition = 0;
  #unsubscribe: () => void = () => {};
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #onEvent = (event: LiveEvent) => this.#offer(event);
  readonly #onDrain = () => this.#onDrained();
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
    sse.sendHeaders();
    // Replay and subscribe in the same turn: nothing published in between is lost or repeated.
    const replay = this.#opts.lastEventId === undefined ? undefined : bus.since(this.#opts.lastEventId);
    this.#unsubscribe = bus.subscribe(this.#opts.owner, this.#onEvent);
    const position = bus.lastSeq;
    if (replay && 'reset' in replay) {
      this.#write(frame(bus.lastId, 'reset', JSON.stringify({ reason: 'missed events are no longer buffered; reload' } satisfies StreamEventData['reset'])));
    } else {
      for (const event of replay?.events ?? []) this.#offer(event);
      this.#write(frame(bus.lastId, 'hello', JSON.stringify({ resumed: replay !== undefined } satisfies StreamEventData['hello'])));
    }
    this.#sentPosition = position;
    const untilExpiry = Math.min(Math.max(this.#opts.validUntil - Date.now(), 0), 2 ** 31 - 1);
    this.#timers.push(setTimeout(() => this.end('token-expired'), untilExpiry));
    this.#timers.push(setInterval(() => this.#advanceId(), this.#opts.idAdvanceMs));
    for (const t of this.#timers) t.unref();
  }

  /** Ends the stream with a last `disconnect` event naming the reason. */
  end(reason: DisconnectReason): void {
    if (!this.#open) return;
    this.#queue.length = 0;
    const raw = this.#reply.raw;
    // One small write past the queue is bounded; a client that never reads is destroyed below.
    raw.write(frame(undefined, 'disconnect', JSON.stringify({ reason } satisfies StreamEventData['disconnect'])));
    this.#cleanup();
    this.#reply.sse.close();
    setTimeout(() => raw.destroy(), 5_000).unref();
  }

  #offer(event: LiveEvent): void {
    if (!this.#opts.accept(event)) return;
    this.#sentPosition = event.seq;
    this.#write(frameOf(event));
  }

  /**
   * An id-only frame moves the client's Last-Event-ID past events it did not want (SSE spec).
   * Every event the bus has numbered has been offered to this stream or was not its owner's.
   */
  #advanceId(): void {
    const position = this.#opts.bus.lastSeq;
    if (position === this.#sentPosition) return;
    this.#sentPosition = position;
    this.#write(frame(`${this.#opts.bus.boot}.${position}`, undefined, undefined));
  }

  #write(text: string): void {
    if (!this.#open) return;
    if (this.#blocked) {
      // Only a socket that pushes back makes a slow consumer.
      if (this.#queue.length >= this.#opts.maxQueued) return this.end('slow-consumer');
      this.#queue.push(text);
      return;
    }
    this.#queue.push(text);
    if (this.#queue.length === 1) this.#opts.scheduleFlush(this);
    else if (this.#queue.length >= FLUSH_AT_FRAMES) this.flush();
  }

  /** Writes every waiting frame at once, unless the socket is still pushing back. */
  flush(): void {
    if (!this.#open || this.#blocked || this.#queue.length === 0) return;
    const batch = this.#queue.length === 1 ? this.#queue[0]! : this.#queue.join('');
    this.#queue.length = 0;
    if (!this.#reply.raw.write(batch)) {
      this.#blocked = true;
      this.#reply.raw.once('drain', this.#onDrain);
    }
  }

  #onDrained(): void {
    this.#blocked = false;
    this.flush();
  }

  #cleanup(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#unsubscribe();
    this.#reply.raw.off('drain', this.#onDrain);
    for (const t of this.#timers) clearTimeout(t);
    this.#onEnd();
  }
}
