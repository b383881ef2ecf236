import { CONTENT_DEFAULTS } from './defaults.js';
import { parseGimmeBody } from './gimme-parser.js';
import { guardedFetch } from './guarded-fetch.js';
import { PrivateHostError } from './host-policy.js';
import type { ContentItem } from './item.js';
import { type ContentProvider, type FetchOptions, ProviderError } from './provider.js';
import { readLimitedText } from './read-limited-text.js';

export interface GimmeHttpProviderOptions {
  /** @defaultValue 'gimme' */
  name?: string;
  /** Where the API lives, e.g. `https://meme-api.example`; requests go to `${baseUrl}/gimme`. */
  baseUrl: string;
  /**
   * Subreddits to ask for, one per request in turn (`/gimme/{subreddit}/{count}`).
   * Empty: the API's own mix (`/gimme/{count}`).
   * @defaultValue []
   */
  subreddits?: string[];
  /** @defaultValue CONTENT_DEFAULTS.providerTimeoutMs */
  timeoutMs?: number;
  /** @defaultValue CONTENT_DEFAULTS.maxResponseBytes */
  maxResponseBytes?: number;
  /** Fetch from loopback, link-local and private addresses too. @defaultValue false */
  allowPrivateHosts?: boolean;
}

/**
 * Fetches posts from an HTTP API speaking the gimme JSON format. Only public addresses, every
 * redirect included, unless `allowPrivateHosts` (see `host-policy.ts`).
 */
export class GimmeHttpProvider implements ContentProvider {
  readonly name: string;
  readonly #baseUrl: string;
  readonly #subreddits: readonly string[];
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #allowPrivateHosts: boolean;
  #next = 0;

  constructor(options: GimmeHttpProviderOptions) {
    this.name = options.name ?? 'gimme';
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#subreddits = options.subreddits ?? [];
    this.#timeoutMs = options.timeoutMs ?? CONTENT_DEFAULTS.providerTimeoutMs;
    this.#maxBytes = options.maxResponseBytes ?? CONTENT_DEFAULTS.maxResponseBytes;
    this.#allowPrivateHosts = options.allowPrivateHosts ?? false;
  }

  /** The URL of the next request; subreddits are taken in turn. */
  nextUrl(count: number): string {
    const n = Math.max(1, Math.min(CONTENT_DEFAULTS.gimmeMaxCount, Math.floor(count)));
    if (this.#subreddits.length === 0) return `${this.#baseUrl}/gimme/${n}`;
    const subreddit = this.#subreddits[this.#next++ % this.#subreddits.length] as string;
    return `${this.#baseUrl}/gimme/${encodeURIComponent(subreddit)}/${n}`;
  }

  async fetch({ count, signal }: FetchOptions): Promise<ContentItem[]> {
    const url = this.nextUrl(count);
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const both = AbortSignal.any([signal, timeout]);
    try {
      const res = await guardedFetch(url, {
        signal: both,
        headers: { accept: 'application/json' },
        allowPrivateHosts: this.#allowPrivateHosts,
      });
      if (!res.ok) {
        await res.body?.cancel();
        throw new ProviderError(this.name, 'HTTP_STATUS', `GET ${url} answered ${res.status}`);
      }
      const body = await readLimitedText(res, this.#maxBytes);
      if (body === undefined) {
        throw new ProviderError(
          this.name,
          'TOO_LARGE',
          `GET ${url}: answer over ${this.#maxBytes} bytes`,
        );
      }
      return parseGimmeBody(body, this.name);
    } catch (err) {
      if (err instanceof ProviderError) throw err;
      if (err instanceof PrivateHostError) throw new ProviderError(this.name, 'PRIVATE_HOST', `GET ${url}: ${err.message}`);
      if (timeout.aborted) {
        throw new ProviderError(
          this.name,
          'TIMEOUT',
          `GET ${url}: no answer within ${this.#timeoutMs} ms`,
        );
      }
      if (signal.aborted) throw new ProviderError(this.name, 'ABORTED', `GET ${url}: aborted`);
      const reason =
        (err as Error).cause instanceof Error
          ? ((err as Error).cause as Error).message
          : String(err);
      throw new ProviderError(this.name, 'NETWORK', `GET ${url} failed: ${reason}`, { cause: err });
    }
  }
}
