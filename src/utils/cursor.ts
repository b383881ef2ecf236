import { Types } from 'mongoose';
import { BadRequestError } from '../services/errors.js';

/**
 * Opaque pagination cursors: the sort key of the last item of a page, base64url-encoded.
 * Newest-first lists sort by (at desc, _id desc), so a cursor carries both.
 */
export interface CursorKey {
  id: string;
  at?: string;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string): { id: Types.ObjectId; at?: Date } {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorKey;
    if (!Types.ObjectId.isValid(key.id)) throw new Error('bad id');
    const at = key.at === undefined ? undefined : new Date(key.at);
    if (at && Number.isNaN(at.getTime())) throw new Error('bad date');
    return { id: new Types.ObjectId(key.id), ...(at ? { at } : {}) };
  } catch {
    throw new BadRequestError('INVALID_CURSOR', 'cursor is not valid');
  }
}

/** A filter that continues a (_id desc) list after the cursor. */
export function afterIdCursor(cursor: string | undefined): Record<string, unknown> {
  return cursor ? { _id: { $lt: decodeCursor(cursor).id } } : {};
}

/** A filter that continues an (at desc, _id desc) list after the cursor. */
export function afterTimeCursor(cursor: string | undefined): Record<string, unknown> {
  if (!cursor) return {};
  const { id, at } = decodeCursor(cursor);
  if (!at) throw new BadRequestError('INVALID_CURSOR', 'cursor is not valid');
  return { $or: [{ at: { $lt: at } }, { at, _id: { $lt: id } }] };
}

/** Fetch `limit + 1` rows, then split into a page and the next cursor. */
export function toPage<T extends { _id: Types.ObjectId; at?: Date }>(
  rows: T[],
  limit: number,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor({ id: last._id.toHexString(), ...(last.at ? { at: last.at.toISOString() } : {}) })
      : null;
  return { items, nextCursor };
}

/** Parses a path id; a malformed one is answered like a missing one (404 by the caller). */
export function toObjectId(id: string): Types.ObjectId | undefined {
  return Types.ObjectId.isValid(id) && /^[0-9a-f]{24}$/i.test(id) ? new Types.ObjectId(id) : undefined;
}
