import type { OutgoingMessage } from '../../ipc/index.js';
import type { ContentItem } from './item.js';

export interface RenderOptions {
  /** A Discord user id to mention (rendered `<@id>`), or ready mention text such as `<@123>`. */
  mention?: string;
}

/** Discord's limits: message content and embed title. */
const MAX_CONTENT = 2000;
const MAX_TITLE = 256;

const truncate = (s: string, max: number): string =>
  s.length <= max ? s : `${s.slice(0, max - 1)}…`;

const mentionText = (mention: string | undefined): string | undefined =>
  mention === undefined ? undefined : /^\d{5,25}$/.test(mention) ? `<@${mention}>` : mention;

/** Joins the mention and the body into message content, within Discord's length limit. */
function content(mention: string | undefined, body: string): string {
  const prefix = mention ? `${mention} ` : '';
  return truncate(prefix + body, MAX_CONTENT);
}

/** Wraps text in Discord's spoiler bars. */
const spoiler = (text: string): string => `||${text.replaceAll('||', '|\u200b|')}||`;

const isHttp = (url: string | undefined): url is string =>
  url !== undefined && /^https?:\/\//i.test(url);

/** File name at the end of a URL (local items without a public URL are sent as their name). */
function fileName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? url);
  } catch {
    return url;
  }
}

/**
 * The Discord message for an item:
 * - image/gif with an http(s) URL: an embed showing the picture, titled when the item has a title
 *   (spoilers are sent as a spoilered link instead, since embeds cannot be hidden);
 * - video and link: the URL as content (Discord unfurls it), after the title;
 * - text: the text as content;
 * - anything with only a `file://` URL: its title or file name as text (Discord cannot fetch it).
 */
export function render(item: ContentItem, options: RenderOptions = {}): OutgoingMessage {
  const mention = mentionText(options.mention);
  const hide = (s: string): string => (item.spoiler ? spoiler(s) : s);

  if (item.type === 'text')
    return { content: content(mention, hide(item.text ?? item.title ?? '')) };

  const url = item.url;
  if (!isHttp(url)) {
    return { content: content(mention, hide(item.title ?? (url ? fileName(url) : ''))) };
  }
  if ((item.type === 'image' || item.type === 'gif') && !item.spoiler) {
    const embed: NonNullable<OutgoingMessage['embeds']>[number] = { image: { url } };
    if (item.title) embed.title = truncate(item.title, MAX_TITLE);
    return mention ? { content: mention, embeds: [embed] } : { embeds: [embed] };
  }
  // The title gives way to the URL when space runs out: a cut URL is useless.
  const title = item.title ? `${truncate(item.title, MAX_TITLE)}\n` : '';
  return { content: content(mention, hide(title + url)) };
}
