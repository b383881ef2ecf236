import type { Types } from 'mongoose';
import type { Models } from '../models/index.js';
import { afterTimeCursor, toObjectId, toPage } from '../utils/cursor.js';
import type { AccountService } from './account-service.js';
import { BadRequestError } from './errors.js';

/**
 * A query time as a Date. The schema's date-time format admits times no clock shows (a leap
 * second, `23:59:60`), which JavaScript cannot represent: those are a 400, not a cast error.
 */
function toDate(value: string, field: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new BadRequestError('INVALID_DATE', `querystring.${field}: ${value} is not a time this server can represent`);
  return date;
}

export interface HistoryQuery {
  limit: number;
  cursor?: string;
  friendId?: string;
  from?: string;
  to?: string;
}

interface ActivityRow {
  _id: Types.ObjectId;
  friendId?: Types.ObjectId | null;
  discordUserId: string;
  kind: string;
  status?: string | null;
  activity?: { name?: string | null; type?: string | null } | null;
  at: Date;
}

interface ContentRow {
  _id: Types.ObjectId;
  friendId: Types.ObjectId;
  discordUserId: string;
  item?: Record<string, unknown> | null;
  status: string;
  reason?: string | null;
  discordMessageId?: string | null;
  latencyMs?: number | null;
  at: Date;
}

// Filters are built from validated query parameters; mongoose's strict filter types add nothing.
type Filter = Record<string, unknown>;

/** Activity and content history of one account, newest first, with cursor pagination. */
export class HistoryService {
  constructor(
    private readonly models: Pick<Models, 'ActivityHistory' | 'ContentHistory'>,
    private readonly accounts: AccountService,
  ) {}

  async activity(ownerId: string, accountId: string, q: HistoryQuery & { kind?: string }) {
    const account = await this.accounts.find(ownerId, accountId);
    const filter: Filter = { accountId: account._id, ...this.common(q), ...(q.kind ? { kind: q.kind } : {}) };
    const rows = await this.models.ActivityHistory.find(filter as never)
      .sort({ at: -1, _id: -1 })
      .limit(q.limit + 1)
      .lean<ActivityRow[]>();
    const { items, nextCursor } = toPage(rows, q.limit);
    return {
      items: items.map((r) => ({
        id: r._id.toHexString(),
        friendId: r.friendId?.toHexString() ?? null,
        discordUserId: r.discordUserId,
        kind: r.kind,
        status: r.status ?? null,
        activity: r.activity?.name ? { name: r.activity.name, type: r.activity.type ?? null } : null,
        at: r.at,
      })),
      nextCursor,
    };
  }

  async content(ownerId: string, accountId: string, q: HistoryQuery & { status?: string }) {
    const account = await this.accounts.find(ownerId, accountId);
    const filter: Filter = { accountId: account._id, ...this.common(q), ...(q.status ? { status: q.status } : {}) };
    const rows = await this.models.ContentHistory.find(filter as never)
      .sort({ at: -1, _id: -1 })
      .limit(q.limit + 1)
      .lean<ContentRow[]>();
    const { items, nextCursor } = toPage(rows, q.limit);
    return {
      items: items.map((r) => ({
        id: r._id.toHexString(),
        friendId: r.friendId.toHexString(),
        discordUserId: r.discordUserId,
        item: r.item ?? null,
        status: r.status,
        reason: r.reason ?? null,
        discordMessageId: r.discordMessageId ?? null,
        latencyMs: r.latencyMs ?? null,
        at: r.at,
      })),
      nextCursor,
    };
  }

  private common(q: HistoryQuery): Filter {
    const filter: Filter = {};
    if (q.friendId) filter.friendId = toObjectId(q.friendId) ?? null;
    const at: Record<string, Date> = {};
    if (q.from) at.$gte = toDate(q.from, 'from');
    if (q.to) at.$lt = toDate(q.to, 'to');
    if (Object.keys(at).length > 0) filter.at = at;
    const after = afterTimeCursor(q.cursor);
    return Object.keys(after).length > 0 ? { $and: [filter, after] } : filter;
  }
}
