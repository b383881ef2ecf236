import { CONTENT_DEFAULTS } from './defaults.js';
import { type ContentItem, contentId, inferTypeFromUrl, isHttpUrl } from './item.js';
import type { ContentProvider, FetchOptions } from './provider.js';
import { type Random, sample } from './random.js';

export interface StaticListProviderOptions {
  /** @defaultValue 'static' */
  name?: string;
  /** http(s) URLs (typed by extension) or texts; blank entries are ignored. */
  items: readonly string[];
  /** @defaultValue Math.random */
  random?: Random;
}

/** Turns one configured string into an item: an http(s) URL, or else a text. */
export function staticEntryToItem(entry: string, source: string): ContentItem | undefined {
  const value = entry.trim();
  if (!value) return undefined;
  if (isHttpUrl(value)) {
    return {
      id: contentId(value),
      type: inferTypeFromUrl(value),
      url: value,
      source,
      nsfw: false,
      tags: [],
    };
  }
  const text = value.slice(0, CONTENT_DEFAULTS.textMaxChars);
  return { id: contentId(text), type: 'text', text, source, nsfw: false, tags: [] };
}

/** Serves a fixed list of URLs and texts from the account's settings, in random order. */
export class StaticListProvider implements ContentProvider {
  readonly name: string;
  readonly #items: ContentItem[];
  readonly #random: Random;

  constructor(options: StaticListProviderOptions) {
    this.name = options.name ?? 'static';
    this.#random = options.random ?? Math.random;
    const byId = new Map<string, ContentItem>();
    for (const entry of options.items) {
      const item = staticEntryToItem(entry, this.name);
      if (item) byId.set(item.id, item);
    }
    this.#items = [...byId.values()];
  }

  async fetch({ count, signal }: FetchOptions): Promise<ContentItem[]> {
    signal.throwIfAborted();
    return sample(this.#items, count, this.#random).map((item) => ({
      ...item,
      tags: [...item.tags],
    }));
  }
}
