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
  /**
   * Posts asked for per request at least (up to the API's limit); what a call did not need is
   * kept for the next calls for the same subreddit, for `reserveMaxAgeMs`. 1: exactly what is
   * asked for, nothing kept.
   * @defaultValue 1
   */
  fetchCount?: number;
  /** @defaultValue CONTENT_DEFAULTS.gimmeReserveMaxAgeMs */
  reserveMaxAgeMs?: number;
  /** @defaultValue Date.now */
  now?: () => number;
}

/** Posts a request brought beyond what its call needed, for the next calls. */
interface Reserve {
  items: ContentItem[];
  fetchedAt: number;
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
  readonly #fetchCount: number;
  readonly #reserveMaxAgeMs: number;
  readonly #now: () => number;
  /** Per subreddit ('' for the API's own mix). */
  readonly #reserves = new Map<string, Reserve>();
  #next = 0;

  constructor(options: GimmeHttpProviderOptions) {
    this.name = options.name ?? 'gimme';
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#subreddits = options.subreddits ?? [];
    this.#timeoutMs = options.timeoutMs ?? CONTENT_DEFAULTS.providerTimeoutMs;
    this.#maxBytes = options.maxResponseBytes ?? CONTENT_DEFAULTS.maxResponseBytes;
    this.#allowPrivateHosts = options.allowPrivateHosts ?? false;
    this.#fetchCount = options.fetchCount ?? 1;
    this.#reserveMaxAgeMs = options.reserveMaxAgeMs ?? CONTENT_DEFAULTS.gimmeReserveMaxAgeMs;
    this.#now = options.now ?? Date.now;
  }

  /** The URL of the next request; subreddits are taken in turn. */
  nextUrl(count: number): string {
    return this.#urlFor(this.#nextSubreddit(), count);
  }

  /**
   * `count` posts (fewer if the API has fewer) of the next subreddit in turn: from what earlier
   * requests for it brought beyond their need when that is enough and fresh, else from a request
   * for at least `fetchCount` posts, whose surplus is kept.
   */
  async fetch({ count, signal }: FetchOptions): Promise<ContentItem[]> {
    const subreddit = this.#nextSubreddit();
    const want = Math.max(1, Math.floor(count));
    const key = subreddit ?? '';
    const reserve = this.#reserves.get(key);
    if (reserve !== undefined && this.#now() - reserve.fetchedAt > this.#reserveMaxAgeMs) this.#reserves.delete(key);
    const kept = this.#reserves.get(key)?.items ?? [];
    if (kept.length >= want) return kept.splice(0, want);
    const fetched = await this.#request(this.#urlFor(subreddit, Math.max(want - kept.length, this.#fetchCount)), signal);
    // Whatever was kept goes first: it is older.
    const items = [...(this.#reserves.get(key)?.items ?? []), ...fetched];
    const taken = items.splice(0, want);
    if (items.length > 0) this.#reserves.set(key, { items, fetchedAt: this.#now() });
    else this.#reserves.delete(key);
    return taken;
  }

  #nextSubreddit(): string | undefined {
    if (this.#subreddits.length === 0) return undefined;
    return this.#subreddits[this.#next++ % this.#subreddits.length];
  }

  #urlFor(subreddit: string | undefined, count: number): string {
    const n = Math.max(1, Math.min(CONTENT_DEFAULTS.gimmeMaxCount, Math.floor(count)));
    if (subreddit === undefined) return `${this.#baseUrl}/gimme/${n}`;
    return `${this.#baseUrl}/gimme/${encodeURIComponent(subreddit)}/${n}`;
  }

  async #request(url: string, signal: AbortSignal): Promise<ContentItem[]> {
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
