import type { ContentConfig } from './content-config-schema.js';

/** Defaults of the content pipeline, in one place. */
export const CONTENT_DEFAULTS = {
  /** Items kept ready per provider of an account. */
  bufferSize: 10,
  /** A provider's buffer is refilled in the background once it holds fewer items than this. */
  lowWater: 4,
  /** One provider call may take this long before it counts as failed. */
  providerTimeoutMs: 5_000,
  /** First wait after a provider fails; doubles with each further failure. */
  backoffInitialMs: 2_000,
  /** Longest wait between attempts at a failing provider. */
  backoffMaxMs: 5 * 60_000,
  /** Waits are shortened by up to this fraction at random, so accounts do not retry in step. */
  backoffJitter: 0.2,
  /** An item found "sent recently" this many times is dropped to make room for fresh ones. */
  maxRepeatStrikes: 3,
  /** Largest HTTP answer a provider reads. */
  maxResponseBytes: 1024 * 1024,
  /** Most items one gimme request asks for (the public gimme API's own limit). */
  gimmeMaxCount: 50,
  /**
   * Posts a gimme provider asks for per request at least: a refill takes what it needs and the
   * rest waits for the next refills (see `gimmeReserveMaxAgeMs`), so a busy account makes one
   * request where it made several. The buffer, the served shelf and no-repeat are unchanged.
   */
  gimmeFetchCount: 50,
  /** Posts kept from an earlier gimme request older than this are dropped, not served. */
  gimmeReserveMaxAgeMs: 10 * 60_000,
  /** Most files a directory provider lists. */
  directoryMaxFiles: 5_000,
  /** How far back "sent recently" looks, for the caller's `isRecent` (one week). */
  recentWindowMs: 7 * 24 * 3600_000,
  /** Longest text a text item may have (Discord's message limit). */
  textMaxChars: 2_000,
} as const satisfies Record<string, number>;

/** What an account without content settings gets: the samples shipped in CONTENT_DIR. */
export const DEFAULT_ACCOUNT_CONTENT = {
  providers: [{ kind: 'directory', weight: 1, path: 'sample-content' }],
  allowNsfw: false,
} as const satisfies ContentConfig;
