/**
 * Picks content for deliveries. Each account has its providers (built from its serialisable
 * config by the registry), each provider a small prefetch buffer refilled in the background, so
 * `pick()` never waits on the network. A provider that fails or times out is left alone for an
 * exponentially growing while, and the others serve in the meantime.
 */
import { type BackoffPolicy, providerBackoffDelay } from './provider-backoff.js';
import type { ContentConfig, ProviderConfig } from './content-config-schema.js';
import { CONTENT_DEFAULTS } from './defaults.js';
import type { ContentItem } from './item.js';
import { type ContentProvider, ProviderError } from './provider.js';
import { createProviderRegistry, type ProviderRegistry } from './provider-registry.js';
import { pickWeighted, type Random } from './random.js';
import { type BufferedItem, ServedShelf } from './served-shelf.js';

/** Structured logging as pino does it (`logger.warn(obj, msg)`). */
export interface ContentLogger {
  warn(obj: object, msg: string): void;
}

export interface ContentServiceOptions {
  /** Builds providers from configs. @defaultValue createProviderRegistry() (no directory root) */
  registry?: ProviderRegistry;
  /** Items kept ready per provider. @defaultValue CONTENT_DEFAULTS.bufferSize */
  bufferSize?: number;
  /**
   * Refill a provider's buffer once it holds fewer items.
   * @defaultValue CONTENT_DEFAULTS.lowWater
   */
  lowWater?: number;
  /** @defaultValue CONTENT_DEFAULTS.providerTimeoutMs */
  providerTimeoutMs?: number;
  /** @defaultValue CONTENT_DEFAULTS.backoffInitialMs */
  backoffInitialMs?: number;
  /** @defaultValue CONTENT_DEFAULTS.backoffMaxMs */
  backoffMaxMs?: number;
  /** @defaultValue CONTENT_DEFAULTS.backoffJitter */
  backoffJitter?: number;
  /** @defaultValue CONTENT_DEFAULTS.maxRepeatStrikes */
  maxRepeatStrikes?: number;
  /** @defaultValue Math.random */
  random?: Random;
  /** @defaultValue Date.now */
  now?: () => number;
  logger?: ContentLogger;
}

export interface PickOptions {
  /** Whether this item was sent to the recipient recently (typically a ContentHistory lookup). */
  isRecent: (itemId: string) => boolean | Promise<boolean>;
  /** Who the item is for; with it, an item picked for one recipient stays available to others. */
  recipient?: string;
}

export type PickSkip = { skipped: 'only-repeats' | 'no-content' };
export type PickResult = ContentItem | PickSkip;

export const isSkip = (result: PickResult): result is PickSkip => 'skipped' in result;

export interface ProviderStats {
  name: string;
  kind: ProviderConfig['kind'];
  weight: number;
  buffered: number;
  refilling: boolean;
  /** Consecutive failures; 0 when the last call succeeded. */
  failures: number;
  /** Epoch ms before which the provider is not called again (failing providers only). */
  retryAt?: number;
  lastError?: string;
}


interface Slot {
  readonly provider: ContentProvider;
  readonly kind: ProviderConfig['kind'];
  readonly weight: number;
  readonly buffer: BufferedItem[];
  readonly served: ServedShelf;
  failures: number;
  retryAt: number;
  lastError?: string;
  refilling?: Promise<void>;
  retryTimer?: NodeJS.Timeout;
}

interface Feed {
  readonly configKey: string;
  readonly allowNsfw: boolean;
  readonly allowSpoilers: boolean;
  readonly slots: Slot[];
  /** Aborted when the account is removed or reconfigured: cancels its provider calls. */
  readonly abort: AbortController;
}

export class ContentService {
  readonly #feeds = new Map<string, Feed>();
  readonly #registry: ProviderRegistry;
  readonly #bufferSize: number;
  readonly #lowWater: number;
  readonly #timeoutMs: number;
  readonly #backoff: BackoffPolicy;
  readonly #maxStrikes: number;
  readonly #random: Random;
  readonly #now: () => number;
  readonly #logger: ContentLogger | undefined;
  #closed = false;

  constructor(options: ContentServiceOptions = {}) {
    this.#registry = options.registry ?? createProviderRegistry();
    this.#bufferSize = options.bufferSize ?? CONTENT_DEFAULTS.bufferSize;
    this.#lowWater = Math.min(options.lowWater ?? CONTENT_DEFAULTS.lowWater, this.#bufferSize);
    this.#timeoutMs = options.providerTimeoutMs ?? CONTENT_DEFAULTS.providerTimeoutMs;
    this.#backoff = {
      initialMs: options.backoffInitialMs ?? CONTENT_DEFAULTS.backoffInitialMs,
      maxMs: options.backoffMaxMs ?? CONTENT_DEFAULTS.backoffMaxMs,
      jitter: options.backoffJitter ?? CONTENT_DEFAULTS.backoffJitter,
    };
    this.#maxStrikes = options.maxRepeatStrikes ?? CONTENT_DEFAULTS.maxRepeatStrikes;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger;
  }

  /**
   * Sets an account's providers and filters and starts filling its buffers in the background.
   * Reconfiguring with an equal config keeps the buffers; a different one starts afresh.
   * Throws `ProviderConfigError` (and changes nothing) when a provider cannot be built.
   */
  configure(accountId: string, config: ContentConfig): void {
    if (this.#closed) throw new Error('ContentService is closed');
    const configKey = JSON.stringify(config);
    if (this.#feeds.get(accountId)?.configKey === configKey) return;
    const context = { timeoutMs: this.#timeoutMs, random: this.#random };
    const slots = config.providers.map(
      (c): Slot => ({
        provider: this.#registry.create(c, context),
        kind: c.kind,
        weight: c.weight,
        buffer: [],
        served: new ServedShelf(this.#bufferSize),
        failures: 0,
        retryAt: 0,
      }),
    );
    this.remove(accountId);
    const feed: Feed = {
      configKey,
      allowNsfw: config.allowNsfw ?? false,
      allowSpoilers: config.allowSpoilers ?? false,
      slots,
      abort: new AbortController(),
    };
    this.#feeds.set(accountId, feed);
    void this.#refillFeed(feed);
  }

  /** Forgets an account: cancels its provider calls and timers, drops its buffers. */
  remove(accountId: string): void {
    const feed = this.#feeds.get(accountId);
    if (!feed) return;
    this.#feeds.delete(accountId);
    feed.abort.abort(new Error('account removed'));
    for (const slot of feed.slots) clearTimeout(slot.retryTimer);
  }

  has(accountId: string): boolean {
    return this.#feeds.has(accountId);
  }

  /**
   * Tops up every provider buffer of the account that is not backing off, and resolves when all
   * of those calls have finished (successfully or not). Never rejects.
   */
  async refill(accountId: string): Promise<void> {
    const feed = this.#feeds.get(accountId);
    if (feed) await this.#refillFeed(feed);
  }

  /**
   * An item for one recipient, never one `isRecent` reports, without waiting on any provider.
   * Providers are chosen by weight among those with something buffered. Skips with
   * `only-repeats` when everything buffered was sent recently, `no-content` when nothing is
   * buffered (or the account is unknown). The returned item is taken out of the buffer.
   *
   * No-repeat is per recipient: with a `recipient`, a picked item also goes on its provider's
   * shelf of recently served items, which the other recipients get when the buffer has nothing
   * new for them (a one-item list serves every friend, even two at once).
   */
  async pick(accountId: string, { isRecent, recipient }: PickOptions): Promise<PickResult> {
    const feed = this.#feeds.get(accountId);
    if (!feed) return { skipped: 'no-content' };
    const examined = new Set<BufferedItem>();
    let repeats = 0;
    try {
      for (;;) {
        const slot = pickWeighted(
          feed.slots.filter((s) => s.buffer.some((b) => !examined.has(b))),
          (s) => s.weight,
          this.#random,
        );
        if (!slot) break;
        const at = slot.buffer.findIndex((b) => !examined.has(b));
        const [entry] = slot.buffer.splice(at, 1) as [BufferedItem];
        examined.add(entry);
        if (!this.#allowed(feed, entry.item)) continue;
        // On the shelf before the await, so a concurrent pick for someone else can have it too.
        if (recipient !== undefined) slot.served.add(entry, recipient);
        let recent: boolean;
        try {
          // Answered from memory as a rule: no await (a microtask hop per item) unless it must.
          const answer = isRecent(entry.item.id);
          recent = typeof answer === 'boolean' ? answer : await answer;
        } catch (err) {
          slot.served.remove(entry, recipient);
          slot.buffer.unshift(entry);
          throw err;
        }
        if (!recent) return entry.item;
        slot.served.remove(entry);
        repeats++;
        // Items every recipient has already had would otherwise sit in the buffer for ever.
        if (++entry.strikes < this.#maxStrikes) slot.buffer.push(entry);
      }
      if (recipient !== undefined) {
        for (const slot of feed.slots.filter((s) => s.weight > 0)) {
          const usable = (e: BufferedItem) => !examined.has(e) && this.#allowed(feed, e.item);
          const shared = await slot.served.pickFor(recipient, usable, isRecent);
          if (shared) return shared;
          if (shared === null) repeats++;
        }
      }
      return { skipped: repeats > 0 ? 'only-repeats' : 'no-content' };
    } finally {
      this.#refillLowSlots(feed);
    }
  }

  stats(accountId: string): ProviderStats[] | undefined {
    return this.#feeds.get(accountId)?.slots.map((s) => ({
      name: s.provider.name,
      kind: s.kind,
      weight: s.weight,
      buffered: s.buffer.length,
      refilling: s.refilling !== undefined,
      failures: s.failures,
      ...(s.failures > 0 ? { retryAt: s.retryAt } : {}),
      ...(s.lastError ? { lastError: s.lastError } : {}),
    }));
  }

  /** Stops every timer and provider call; the service accepts no new accounts afterwards. */
  close(): void {
    this.#closed = true;
    for (const accountId of [...this.#feeds.keys()]) this.remove(accountId);
  }

  #allowed(feed: Feed, item: ContentItem): boolean {
    return (feed.allowNsfw || !item.nsfw) && (feed.allowSpoilers || item.spoiler !== true);
  }

  #current(feed: Feed): boolean {
    return !feed.abort.signal.aborted;
  }

  async #refillFeed(feed: Feed): Promise<void> {
    await Promise.all(feed.slots.filter((s) => s.weight > 0).map((s) => this.#refillSlot(feed, s)));
  }

  #refillLowSlots(feed: Feed): void {
    if (!this.#current(feed)) return;
    for (const slot of feed.slots) {
      if (slot.weight > 0 && slot.buffer.length < this.#lowWater) void this.#refillSlot(feed, slot);
    }
  }

  #refillSlot(feed: Feed, slot: Slot): Promise<void> {
    if (slot.refilling) return slot.refilling;
    const need = this.#bufferSize - slot.buffer.length;
    if (need <= 0 || !this.#current(feed)) return Promise.resolve();
    if (this.#now() < slot.retryAt) {
      this.#scheduleRetry(feed, slot);
      return Promise.resolve();
    }
    slot.refilling = this.#fetchInto(feed, slot, need).finally(() => {
      slot.refilling = undefined;
    });
    return slot.refilling;
  }

  async #fetchInto(feed: Feed, slot: Slot, need: number): Promise<void> {
    try {
      const items = await this.#callProvider(feed, slot.provider, need);
      if (!this.#current(feed)) return;
      const usable = items.filter((item) => this.#allowed(feed, item));
      if (usable.length === 0) {
        const why =
          items.length === 0
            ? 'returned nothing'
            : `returned ${items.length} items, none allowed (NSFW/spoiler)`;
        throw new ProviderError(slot.provider.name, 'EMPTY', why);
      }
      const buffered = new Set(slot.buffer.map((b) => b.item.id));
      for (const item of usable) {
        if (slot.buffer.length >= this.#bufferSize) break;
        if (buffered.has(item.id)) continue;
        buffered.add(item.id);
        slot.buffer.push({ item, strikes: 0, givenTo: new Set() });
      }
      slot.failures = 0;
      slot.retryAt = 0;
      delete slot.lastError;
    } catch (err) {
      if (!this.#current(feed)) return;
      slot.failures++;
      slot.retryAt = this.#now() + providerBackoffDelay(slot.failures, this.#backoff, this.#random);
      slot.lastError = (err as Error).message;
      this.#logger?.warn(
        {
          provider: slot.provider.name,
          code: (err as ProviderError).code,
          failures: slot.failures,
          retryAt: slot.retryAt,
          err,
        },
        'content provider failed; backing off',
      );
      this.#scheduleRetry(feed, slot);
    }
  }

  /** Calls a provider, giving up after the timeout or when the account goes away. */
  async #callProvider(
    feed: Feed,
    provider: ContentProvider,
    count: number,
  ): Promise<ContentItem[]> {
    const call = new AbortController();
    const cancel = (): void =>
      call.abort(new ProviderError(provider.name, 'ABORTED', 'account removed'));
    feed.abort.signal.addEventListener('abort', cancel, { once: true });
    const timer = setTimeout(
      () =>
        call.abort(
          new ProviderError(provider.name, 'TIMEOUT', `no answer within ${this.#timeoutMs} ms`),
        ),
      this.#timeoutMs,
    );
    const givenUp = new Promise<never>((_, reject) => {
      call.signal.addEventListener('abort', () => reject(call.signal.reason), { once: true });
    });
    try {
      // Racing, not only passing the signal: a provider that ignores it still cannot hold us.
      return await Promise.race([provider.fetch({ count, signal: call.signal }), givenUp]);
    } finally {
      clearTimeout(timer);
      feed.abort.signal.removeEventListener('abort', cancel);
    }
  }

  #scheduleRetry(feed: Feed, slot: Slot): void {
    if (slot.retryTimer || !this.#current(feed)) return;
    const wait = Math.max(0, slot.retryAt - this.#now());
    slot.retryTimer = setTimeout(() => {
      slot.retryTimer = undefined;
      if (slot.buffer.length < this.#lowWater) void this.#refillSlot(feed, slot);
    }, wait);
    slot.retryTimer.unref();
  }
}
