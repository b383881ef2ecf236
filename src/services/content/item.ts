import { createHash } from 'node:crypto';
import { extname } from 'node:path';

export type ContentType = 'image' | 'gif' | 'video' | 'text' | 'link';

/** One piece of content, the same shape whichever provider produced it. */
export interface ContentItem {
  /** Stable short hash of what the item shows (its URL, or its text); see `contentId`. */
  id: string;
  type: ContentType;
  /** http(s) URL for remote media and links; `file://` for local files without a public base. */
  url?: string;
  /** The message itself, for `text` items. */
  text?: string;
  title?: string;
  /** Name of the provider that produced it. */
  source: string;
  nsfw: boolean;
  spoiler?: boolean;
  tags: string[];
}

/**
 * The id of content identified by `identity` (a URL or a text). The provider is deliberately not
 * part of it: the same picture reached through two providers is one item, so "not sent to this
 * friend recently" holds across providers. 16 hex digits (64 bits) keep history documents small.
 */
export function contentId(identity: string): string {
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}

const TYPE_BY_EXTENSION: Readonly<Record<string, ContentType>> = {
  '.png': 'image',
  '.jpg': 'image',
  '.jpeg': 'image',
  '.webp': 'image',
  '.gif': 'gif',
  '.mp4': 'video',
  '.webm': 'video',
};

/** Content type from a file name or path, by extension; `undefined` when it is not media. */
export function mediaTypeOfPath(path: string): ContentType | undefined {
  return TYPE_BY_EXTENSION[extname(path).toLowerCase()];
}

/** Content type a URL points at, judged by the extension of its path; `link` otherwise. */
export function inferTypeFromUrl(url: string): ContentType {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return 'link';
  }
  return mediaTypeOfPath(pathname) ?? 'link';
}

/** Whether `value` is an absolute http: or https: URL. */
export function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
