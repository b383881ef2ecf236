import { Agent as HttpAgent, type IncomingMessage, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import type { RESTOptions, ResponseLike } from 'discord.js';

type RequestInit = Parameters<RESTOptions['makeRequest']>[1];

/**
 * @discordjs/rest's `makeRequest` over `node:http`/`node:https` (which `ws` loads anyway), in
 * place of Node's built-in `fetch`. Node's fetch is its internal copy of undici: loading it pulls
 * in http2, readline, assert, worker_threads, web streams… and compiles its HTTP parser to
 * WebAssembly on the first request — tens of ms of CPU on every worker start, since V8 refuses
 * Node's own code cache under the worker's flags (docs/performance.md). Discord's answers are
 * small JSON bodies, so each is read whole before the promise resolves.
 *
 * Bodies other than text or bytes (FormData with files) go to `fetch` instead: they only occur
 * after `ready`, when loading it costs no start-up time.
 */
export async function nodeHttpRequest(url: string, init: RequestInit): Promise<ResponseLike> {
  const body = init.body ?? null;
  if (body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) return fetch(url, init);
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const headers = plainHeaders(init.headers);
  if (body !== null) headers['content-length'] = String(Buffer.byteLength(body));
  const options: RequestOptions = {
    method: init.method ?? 'GET',
    headers,
    agent: secure ? httpsAgent : httpAgent,
    ...(init.signal && { signal: init.signal }),
  };
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(target, options, resolve);
    // `on`, not `once`: a socket error after the answer must not become an unhandled 'error'.
    req.on('error', reject);
    req.end(body ?? undefined);
  });
  return new NodeResponse(res, await readAll(res));
}

/** Idle connections are kept (as fetch does) and dropped before a server's usual 5 s keep-alive runs out. */
const KEEP_ALIVE = { keepAlive: true, timeout: 4_000 };
const httpAgent = new HttpAgent(KEEP_ALIVE);
const httpsAgent = new HttpsAgent(KEEP_ALIVE);

function plainHeaders(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  const entries = Array.isArray(headers) || Symbol.iterator in headers ? (headers as Iterable<[string, string]>) : Object.entries(headers);
  for (const [name, value] of entries) if (value !== undefined) out[name.toLowerCase()] = String(value);
  return out;
}

function readAll(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.once('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
    res.once('aborted', () => reject(Object.assign(new Error('the connection closed before the whole answer arrived: ECONNRESET'), { code: 'ECONNRESET' })));
  });
}

/** The answer's headers with the lookups @discordjs/rest makes (`get`), case-insensitive. */
class NodeHeaders {
  readonly #raw: IncomingMessage['headers'];
  constructor(raw: IncomingMessage['headers']) {
    this.#raw = raw;
  }
  get(name: string): string | null {
    const value = this.#raw[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }
  has(name: string): boolean {
    return this.#raw[name.toLowerCase()] !== undefined;
  }
  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.#raw).sort()) yield [name, this.get(name) ?? ''];
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
  forEach(fn: (value: string, name: string, headers: this) => void): void {
    for (const [name, value] of this.entries()) fn(value, name, this);
  }
}

class NodeResponse implements ResponseLike {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: Headers;
  #data: Buffer;
  #used = false;

  constructor(res: IncomingMessage, data: Buffer) {
    this.status = res.statusCode ?? 0;
    this.statusText = res.statusMessage ?? '';
    this.ok = this.status >= 200 && this.status < 300;
    // The methods @discordjs/rest and discord.js call on it; the full Headers class is Node's fetch.
    this.headers = new NodeHeaders(res.headers) as unknown as Headers;
    this.#data = data;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  get body(): Readable {
    return Readable.from([this.#take()]);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const data = this.#take();
    return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  }

  async text(): Promise<string> {
    return this.#take().toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  #take(): Buffer {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#data;
  }
}
