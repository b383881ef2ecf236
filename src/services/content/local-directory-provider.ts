import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTENT_DEFAULTS } from './defaults.js';
import { type ContentItem, contentId, mediaTypeOfPath } from './item.js';
import { type ContentProvider, type FetchOptions, ProviderError } from './provider.js';
import { type Random, sample } from './random.js';

export interface LocalDirectoryProviderOptions {
  /** @defaultValue 'directory' */
  name?: string;
  /** Folder to serve, searched recursively; a relative path resolves against the cwd. */
  path: string;
  /**
   * An http(s) URL where the same folder is published (a CDN, a static file server). With it,
   * images and GIFs get `${publicBaseUrl}/${relative path}` and are sent as embeds; without it
   * they get a `file://` URL, which Discord cannot fetch, and are sent as their file name.
   */
  publicBaseUrl?: string;
  /** @defaultValue CONTENT_DEFAULTS.directoryMaxFiles */
  maxFiles?: number;
  /** @defaultValue Math.random */
  random?: Random;
}

const TEXT_EXTENSIONS = new Set(['.txt', '.md']);

const isHidden = (relative: string): boolean =>
  relative.split(sep).some((segment) => segment.startsWith('.'));

/** Serves images, GIFs, videos (by extension) and text files (`.txt`, `.md`) from a folder. */
export class LocalDirectoryProvider implements ContentProvider {
  readonly name: string;
  readonly #root: string;
  readonly #publicBaseUrl: string | undefined;
  readonly #maxFiles: number;
  readonly #random: Random;

  constructor(options: LocalDirectoryProviderOptions) {
    this.name = options.name ?? 'directory';
    this.#root = resolve(options.path);
    this.#publicBaseUrl = options.publicBaseUrl?.replace(/\/+$/, '');
    this.#maxFiles = options.maxFiles ?? CONTENT_DEFAULTS.directoryMaxFiles;
    this.#random = options.random ?? Math.random;
  }

  /** Relative paths of the files this provider can serve. */
  async list(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(this.#root, { recursive: true });
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new ProviderError(this.name, 'UNREADABLE', `cannot list ${this.#root}: ${reason}`, {
        cause: err,
      });
    }
    return entries
      .filter((p) => !isHidden(p))
      .filter(
        (p) => mediaTypeOfPath(p) !== undefined || TEXT_EXTENSIONS.has(extname(p).toLowerCase()),
      )
      .sort()
      .slice(0, this.#maxFiles);
  }

  async fetch({ count, signal }: FetchOptions): Promise<ContentItem[]> {
    const chosen = sample(await this.list(), count, this.#random);
    const items: ContentItem[] = [];
    for (const relative of chosen) {
      signal.throwIfAborted();
      const item = await this.#toItem(relative);
      if (item) items.push(item);
    }
    return items;
  }

  async #toItem(relative: string): Promise<ContentItem | undefined> {
    const folder = dirname(relative);
    const tags = folder === '.' ? [] : folder.split(sep);
    const mediaType = mediaTypeOfPath(relative);
    if (mediaType) {
      const url = this.#urlOf(relative);
      return {
        id: contentId(url),
        type: mediaType,
        url,
        title: basename(relative),
        source: this.name,
        nsfw: false,
        tags,
      };
    }
    const text = await this.#readText(relative);
    if (!text) return undefined;
    return { id: contentId(text), type: 'text', text, source: this.name, nsfw: false, tags };
  }

  #urlOf(relative: string): string {
    if (!this.#publicBaseUrl) return pathToFileURL(resolve(this.#root, relative)).href;
    const encoded = relative.split(sep).map(encodeURIComponent).join('/');
    return `${this.#publicBaseUrl}/${encoded}`;
  }

  /** The file's text, trimmed; `undefined` when unreadable, empty or too long for one message. */
  async #readText(relative: string): Promise<string | undefined> {
    const file = resolve(this.#root, relative);
    try {
      // Four bytes per character at most in UTF-8: anything larger cannot fit in one message.
      if ((await stat(file)).size > CONTENT_DEFAULTS.textMaxChars * 4) return undefined;
      const text = (await readFile(file, 'utf8')).trim();
      return text && text.length <= CONTENT_DEFAULTS.textMaxChars ? text : undefined;
    } catch {
      return undefined; // removed or unreadable since the listing: skip it
    }
  }
}
