import type { BotRecord } from '../records.js';
import { dispatchFrame, ReplayBuffer, type BufferedDispatch } from './replay-buffer.js';

/** The part of a connection a session writes to. */
export interface SessionSink {
  sendRaw(frame: string): void;
}

/**
 * One gateway session: its own sequence numbers and a replay buffer. It outlives its socket so a
 * client can RESUME; dispatches made while no socket is attached are buffered and replayed then.
 */
export class GatewaySession {
  readonly id: string;
  readonly bot: BotRecord;
  readonly intents: number;
  readonly #buffer: ReplayBuffer;
  #seq = 0;
  #sink: SessionSink | null = null;
  #expiry: NodeJS.Timeout | null = null;

  constructor(id: string, bot: BotRecord, intents: number, bufferSize: number) {
    this.id = id;
    this.bot = bot;
    this.intents = intents;
    this.#buffer = new ReplayBuffer(bufferSize);
  }

  get sink(): SessionSink | null {
    return this.#sink;
  }

  get lastSeq(): number {
    return this.#seq;
  }

  /** Numbers, buffers and (when a socket is attached) sends one dispatch; `d` is JSON text. */
  dispatch(t: string, d: string): void {
    this.#seq += 1;
    const entry: BufferedDispatch = { s: this.#seq, t, d };
    this.#buffer.push(entry);
    this.#sink?.sendRaw(dispatchFrame(entry));
  }

  /** Dispatches the client missed after `seq`, or null if it cannot resume. */
  missedAfter(seq: number): BufferedDispatch[] | null {
    return this.#buffer.after(seq, this.#seq);
  }

  attach(sink: SessionSink): void {
    this.#clearExpiry();
    this.#sink = sink;
  }

  /** Forgets the socket; the session stays resumable for `windowMs`, then `onExpire` runs. */
  detach(windowMs: number, onExpire: () => void): void {
    this.#sink = null;
    this.#clearExpiry();
    this.#expiry = setTimeout(onExpire, windowMs);
    this.#expiry.unref();
  }

  dispose(): void {
    this.#sink = null;
    this.#clearExpiry();
  }

  #clearExpiry(): void {
    if (this.#expiry) clearTimeout(this.#expiry);
    this.#expiry = null;
  }
}
