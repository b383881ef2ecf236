import { randomBytes } from 'node:crypto';

/** A token shaped like a real bot token: base64(bot id) . timestamp part . HMAC part. */
export function createBotToken(botId: string): string {
  const idPart = Buffer.from(botId).toString('base64url');
  return `${idPart}.${randomBytes(4).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
}

/** The token in `Authorization: Bot <token>`, or null. */
export function tokenFromAuthorization(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bot\s+(\S+)$/i.exec(header.trim());
  return match?.[1] ?? null;
}
