import { Agent, request } from 'node:http';

export interface JsonClientOptions {
  /** Sockets kept open to the server. @defaultValue 16 */
  maxSockets?: number;
  /** A request with no answer after this long fails. @defaultValue 30000 */
  timeoutMs?: number;
}

export interface JsonResponse<T> {
  status: number;
  body: T;
}

/** An HTTP error answer, with the status and the body for the message. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} → ${status} ${body.slice(0, 300)}`);
  }
}

const DEFAULTS = { maxSockets: 16, timeoutMs: 30_000 } as const satisfies Required<JsonClientOptions>;

/**
 * JSON over plain `node:http` with keep-alive sockets: cheaper per call than `fetch`, which
 * matters when the harness itself sends ~1,000 requests a second on a 2-core machine.
 */
export class JsonClient {
  readonly #base: URL;
  readonly #agent: Agent;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, options: JsonClientOptions = {}) {
    this.#base = new URL(baseUrl);
    this.#agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? DEFAULTS.maxSockets });
    this.#timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  }

  /** Any status; the body parsed when it is JSON. */
  send<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.#base.hostname,
          port: this.#base.port,
          method,
          path,
          agent: this.#agent,
          timeout: this.#timeoutMs,
          headers: {
            accept: 'application/json',
            ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            if (text !== '' && /json/.test(String(res.headers['content-type']))) {
              try {
                parsed = JSON.parse(text);
              } catch (err) {
                reject(new Error(`${method} ${path}: bad JSON answer (${(err as Error).message})`));
                return;
              }
            }
            resolve({ status: res.statusCode ?? 0, body: parsed as T });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${this.#timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** A 2xx answer's body; anything else throws `HttpStatusError`. */
  async json<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await this.send<T>(method, path, body, headers);
    if (res.status < 200 || res.status >= 300) {
      throw new HttpStatusError(method, path, res.status, typeof res.body === 'string' ? res.body : JSON.stringify(res.body));
    }
    return res.body;
  }

  close(): void {
    this.#agent.destroy();
  }
}
