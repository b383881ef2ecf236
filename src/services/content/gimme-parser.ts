/**
 * Parser for the "gimme" JSON format served by meme APIs:
 * one post `{ postLink, subreddit, title, url, nsfw, spoiler, author, ups }`, or
 * `{ memes: [...] }`.
 * Pure: unknown JSON in, valid items out. Entries with a missing or mistyped field, or whose
 * `url` is not http(s), are dropped rather than guessed at: an entry whose `nsfw` flag is missing
 * cannot be shown safely.
 */
import { type ContentItem, contentId, inferTypeFromUrl, isHttpUrl } from './item.js';
import { ProviderError } from './provider.js';

export interface GimmePost {
  postLink: string;
  subreddit: string;
  title: string;
  url: string;
  nsfw: boolean;
  spoiler?: boolean;
  author?: string;
  ups?: number;
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** The post in `raw` when every required field is there with the right type. */
export function asGimmePost(raw: unknown): GimmePost | undefined {
  if (!isRecord(raw)) return undefined;
  const { postLink, subreddit, title, url, nsfw, spoiler } = raw;
  if (typeof postLink !== 'string' || typeof subreddit !== 'string') return undefined;
  if (typeof title !== 'string' || typeof url !== 'string' || typeof nsfw !== 'boolean') {
    return undefined;
  }
  if (spoiler !== undefined && typeof spoiler !== 'boolean') return undefined;
  if (!isHttpUrl(url)) return undefined;
  return raw as unknown as GimmePost;
}

/** The entries of a gimme answer: `{ memes: [...] }`, a bare array, or one post. */
function entriesOf(json: unknown): unknown[] {
  if (Array.isArray(json)) return json;
  if (isRecord(json) && Array.isArray(json.memes)) return json.memes;
  return [json];
}

export function gimmePostToItem(post: GimmePost, source: string): ContentItem {
  const item: ContentItem = {
    id: contentId(post.url),
    type: inferTypeFromUrl(post.url),
    url: post.url,
    source,
    nsfw: post.nsfw,
    spoiler: post.spoiler === true,
    tags: post.subreddit ? [post.subreddit] : [],
  };
  const title = post.title.trim();
  if (title) item.title = title;
  return item;
}

/** Valid items in an already-decoded gimme answer; anything unusable is skipped. */
export function parseGimmeJson(json: unknown, source: string): ContentItem[] {
  const items: ContentItem[] = [];
  for (const entry of entriesOf(json)) {
    const post = asGimmePost(entry);
    if (post) items.push(gimmePostToItem(post, source));
  }
  return items;
}

/** Decodes and parses a gimme answer body; text that is not JSON is a `BAD_JSON` error. */
export function parseGimmeBody(body: string, source: string): ContentItem[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    const preview = body.slice(0, 60).replace(/\s+/g, ' ');
    throw new ProviderError(
      source,
      'BAD_JSON',
      `answer is not JSON (${(err as Error).message}); it starts with ${JSON.stringify(preview)}`,
      { cause: err },
    );
  }
  return parseGimmeJson(json, source);
}
