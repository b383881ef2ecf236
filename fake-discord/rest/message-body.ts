import { DiscordErrorCode, invalidFormBody, type DiscordErrorBody } from './discord-errors.js';

const MAX_CONTENT_LENGTH = 2000;
const MAX_EMBEDS = 10;

export interface MessageBody {
  content: string;
  embeds: unknown[];
}

export type MessageBodyCheck = { ok: true; message: MessageBody } | { ok: false; error: DiscordErrorBody };

/**
 * Validates a Create Message body the way Discord does for the fields the fake stores.
 * `fileCount` counts multipart attachments, which make an otherwise empty message valid.
 */
export function checkMessageBody(body: unknown, fileCount = 0): MessageBodyCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: { message: 'Invalid Form Body', code: DiscordErrorCode.InvalidFormBody } };
  }
  const { content, embeds, sticker_ids: stickerIds } = body as Record<string, unknown>;
  if (content !== undefined && content !== null && typeof content !== 'string') {
    return { ok: false, error: invalidFormBody('content', 'BASE_TYPE_STRING', 'Must be a string.') };
  }
  if (typeof content === 'string' && content.length > MAX_CONTENT_LENGTH) {
    return {
      ok: false,
      error: invalidFormBody('content', 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_CONTENT_LENGTH} or fewer in length.`),
    };
  }
  if (embeds !== undefined && embeds !== null) {
    if (!Array.isArray(embeds) || embeds.some((e) => typeof e !== 'object' || e === null || Array.isArray(e))) {
      return { ok: false, error: invalidFormBody('embeds', 'BASE_TYPE_ARRAY', 'Must be an array of embed objects.') };
    }
    if (embeds.length > MAX_EMBEDS) {
      return {
        ok: false,
        error: invalidFormBody('embeds', 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_EMBEDS} or fewer in length.`),
      };
    }
  }
  const text = typeof content === 'string' ? content : '';
  const embedList = Array.isArray(embeds) ? embeds : [];
  const hasStickers = Array.isArray(stickerIds) && stickerIds.length > 0;
  if (text.trim() === '' && embedList.length === 0 && fileCount === 0 && !hasStickers) {
    return {
      ok: false,
      error: { message: 'Cannot send an empty message', code: DiscordErrorCode.CannotSendEmptyMessage },
    };
  }
  return { ok: true, message: { content: text, embeds: embedList } };
}

/** Reads `payload_json` and counts files from a multipart Create Message body. */
export async function readMultipartMessage(
  raw: Buffer,
  contentType: string,
): Promise<{ body: unknown; fileCount: number }> {
  const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  let body: unknown = {};
  let fileCount = 0;
  for (const [name, value] of form) {
    if (typeof value !== 'string') fileCount += 1;
    else if (name === 'payload_json') body = JSON.parse(value);
  }
  return { body, fileCount };
}
