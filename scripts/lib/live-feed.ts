/**
 * New activity and content-history entries of several accounts, read from the API as they
 * appear: what the server stored, not the live event stream. It polls with `from` (re-reading a
 * short overlap, because activity is written in batches and may land slightly late) and drops
 * entries it has already passed on.
 */
import type { ActivityEntryBody, ApiClient, ContentEntryBody } from './api-client.js';

export type FeedEntry =
  | { kind: 'activity'; accountId: string; at: number; entry: ActivityEntryBody }
  | { kind: 'content'; accountId: string; at: number; entry: ContentEntryBody };

export interface LiveFeedOptions {
  api: ApiClient;
  accountIds: string[];
  /** Entries before this instant (epoch ms) are not reported. */
  since: number;
  /** How far back each poll re-reads. */
  overlapMs: number;
  /** Entries per request; more in one overlap window would be missed. @defaultValue 100 */
  pageSize?: number;
}

export class LiveFeed {
  readonly #opts: LiveFeedOptions;
  /** Entry id → its time, for entries inside the overlap window. */
  readonly #seen = new Map<string, number>();
  #newest: number;

  constructor(options: LiveFeedOptions) {
    this.#opts = options;
    this.#newest = options.since;
  }

  /** Entries that appeared since the last poll, oldest first. */
  async poll(): Promise<FeedEntry[]> {
    const from = Math.max(this.#opts.since, this.#newest - this.#opts.overlapMs);
    const query = { from: new Date(from).toISOString(), limit: this.#opts.pageSize ?? 100 };
    const pages = await Promise.all(
      this.#opts.accountIds.map(async (accountId) => {
        const [activity, content] = await Promise.all([
          this.#opts.api.activity(accountId, query),
          this.#opts.api.contentHistory(accountId, query),
        ]);
        return [
          ...activity.items.map((entry) => ({ kind: 'activity', accountId, at: Date.parse(entry.at), entry }) as const),
          ...content.items.map((entry) => ({ kind: 'content', accountId, at: Date.parse(entry.at), entry }) as const),
        ];
      }),
    );
    const fresh = pages.flat().filter((e) => !this.#seen.has(e.entry.id));
    for (const e of fresh) {
      this.#seen.set(e.entry.id, e.at);
      this.#newest = Math.max(this.#newest, e.at);
    }
    this.#forgetBefore(from);
    return fresh.sort(byTimeThenKindThenId);
  }

  #forgetBefore(from: number): void {
    for (const [id, at] of this.#seen) if (at < from) this.#seen.delete(id);
  }
}

/** Oldest first; at the same millisecond activity before its delivery, then insertion order. */
function byTimeThenKindThenId(a: FeedEntry, b: FeedEntry): number {
  if (a.at !== b.at) return a.at - b.at;
  if (a.kind !== b.kind) return a.kind === 'activity' ? -1 : 1;
  // ObjectIds made by one server grow with insertion order.
  return a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0;
}
