import { api } from './api.js';
import type { EventTicket, LiveEvent, LiveEventType } from './types.js';

// The server's live event stream. EventSource cannot send an Authorization header, so each
// connection first takes a single-use ticket; since a ticket works once, EventSource's own
// reconnect (same URL) would fail — we reconnect ourselves, with the last id we saw so the
// server replays exactly what we missed.

// Every event the server names (a new one fails the type check until it is listed here).
const LISTENED: Record<LiveEventType, true> = {
  hello: true,
  state: true,
  activity: true,
  presence: true,
  delivery: true,
  log: true,
  reset: true,
  disconnect: true,
};
const EVENT_TYPES = Object.keys(LISTENED) as LiveEventType[];

type Listener = (event: LiveEvent) => void;

export type LiveStatus = 'connecting' | 'live' | 'offline';

export class LiveStream {
  #source: EventSource | null = null;
  #lastEventId: string | null = null;
  #listeners = new Set<Listener>();
  #statusListeners = new Set<(status: LiveStatus) => void>();
  #retryMs = 1_000;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running = false;
  status: LiveStatus = 'offline';

  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#connect();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#source?.close();
    this.#source = null;
    this.#lastEventId = null;
    this.#setStatus('offline');
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onStatus(listener: (status: LiveStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  async #connect(): Promise<void> {
    this.#setStatus('connecting');
    try {
      const { ticket } = await api<EventTicket>('POST', '/api/events/ticket');
      if (!this.#running) return;
      const query = new URLSearchParams({ ticket });
      if (this.#lastEventId) query.set('lastEventId', this.#lastEventId);
      const source = new EventSource(`/api/events?${query.toString()}`);
      this.#source = source;
      for (const type of EVENT_TYPES) {
        source.addEventListener(type, (message: MessageEvent<string>) => this.#dispatch(type, message));
      }
      source.onerror = () => {
        source.close();
        if (this.#source === source) this.#retry();
      };
    } catch {
      this.#retry();
    }
  }

  #dispatch(type: LiveEventType, message: MessageEvent<string>): void {
    if (message.lastEventId) this.#lastEventId = message.lastEventId;
    if (type === 'hello') {
      this.#retryMs = 1_000;
      this.#setStatus('live');
    }
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    // The server's JSON for this event type (see LiveEvent): not validated again here.
    const event = { id: message.lastEventId, type, data } as LiveEvent;
    for (const listener of this.#listeners) listener(event);
  }

  #retry(): void {
    this.#source = null;
    if (!this.#running) return;
    this.#setStatus('offline');
    this.#timer = setTimeout(() => void this.#connect(), this.#retryMs);
    this.#retryMs = Math.min(this.#retryMs * 2, 15_000);
  }

  #setStatus(status: LiveStatus): void {
    this.status = status;
    for (const listener of this.#statusListeners) listener(status);
  }
}

export const live = new LiveStream();
