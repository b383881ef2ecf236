import { request, type IncomingMessage } from 'node:http';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * A minimal Server-Sent Events reader over a real socket (Node 20 has no EventSource): parses
 * frames as the spec says and lets a test await the events it expects.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  /** The body as it came off the socket: one entry per HTTP chunk (one server write), unless a read split it. */
  readonly chunks: string[] = [];
  /** The last id seen, as EventSource would send it back in Last-Event-ID. */
  lastEventId: string | undefined;
  ended = false;
  #waiters: Array<() => void> = [];
  #buffer = '';

  private constructor(readonly response: IncomingMessage) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.#feed(chunk));
    response.on('close', () => {
      this.ended = true;
      this.#wake();
    });
  }

  /** Opens a stream; rejects with the status and body when the server answers otherwise. */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        if (res.statusCode !== 200) {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}: ${body}`), { statusCode: res.statusCode, body })));
          return;
        }
        resolve(new SseClient(res));
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Resolves with the first event (from `from` on) that matches, once it has arrived. */
  async next(match: (e: SseEvent) => boolean, from = 0, timeoutMs = 30_000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find(match);
      if (found) return found;
      if (this.ended) throw new Error(`stream ended before the event arrived; got ${JSON.stringify(this.events.map((e) => e.event))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`event did not arrive; got ${JSON.stringify(this.events.map((e) => e.event))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves once `check()` holds, tested after each piece of the stream arrives. */
  async until(check: () => boolean): Promise<void> {
    while (!check()) {
      if (this.ended) throw new Error('stream ended before the condition held');
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Resolves once the server has ended the stream. */
  async closed(): Promise<void> {
    while (!this.ended) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  close(): void {
    this.response.destroy();
  }

  #feed(chunk: string): void {
    this.chunks.push(chunk);
    this.#buffer += chunk;
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const event: SseEvent = { event: 'message', data: '' };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') event.id = value;
        else if (field === 'event') event.event = value;
        else if (field === 'data') data.push(value);
      }
      if (event.id !== undefined) this.lastEventId = event.id;
      if (data.length === 0) continue;
      event.data = data.join('\n');
      this.events.push(event);
    }
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
