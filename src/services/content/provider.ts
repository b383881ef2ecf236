import type { ContentItem } from './item.js';

export interface FetchOptions {
  /** How many items the caller would like; a provider may return fewer (or none). */
  count: number;
  /** Aborted when the caller gives up (timeout, account removed); providers must honour it. */
  signal: AbortSignal;
}

/** A source of content items. Implementations hold no per-friend state. */
export interface ContentProvider {
  /** Shown as `ContentItem.source` and in logs. */
  readonly name: string;
  fetch(opts: FetchOptions): Promise<ContentItem[]>;
}

export type ProviderErrorCode =
  | 'TIMEOUT'
  | 'ABORTED'
  | 'NETWORK'
  | 'HTTP_STATUS'
  | 'BAD_JSON'
  | 'TOO_LARGE'
  | 'UNREADABLE'
  | 'EMPTY'
  | 'PRIVATE_HOST';

/** A provider could not deliver; carries the provider's name and a code for logs and stats. */
export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    readonly provider: string,
    readonly code: ProviderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${provider}: ${message}`, options);
  }
}
