import type { Client } from 'discord.js';
import type { AnswerMessage, GuildSummary, MemberSummary, WorkerQuery } from '../../src/ipc/index.js';
import type { PresenceTracker } from './presence-tracker.js';

/** Members one search returns at most (gateway op 8 with a query answers up to 100). */
export const MEMBER_SEARCH_MAX = 100;

/** The servers the bot is in, from the gateway's guild cache (no REST call). */
export function listGuilds(client: Client): GuildSummary[] {
  return client.guilds.cache
    .map((g) => ({ id: g.id, name: g.name, icon: g.icon, memberCount: g.memberCount }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Members of one server whose username or nickname starts with `query` (all of them for an
 * empty query, up to `limit`), asked of the gateway (op 8 REQUEST_GUILD_MEMBERS, which needs the
 * Server Members intent). Undefined when the bot is not in that server.
 */
export async function searchMembers(
  client: Client,
  guildId: string,
  query: string,
  limit: number,
  timeoutMs: number,
): Promise<MemberSummary[] | undefined> {
  const guild = client.guilds.cache.get(guildId);
  if (!guild) return undefined;
  const members = await guild.members.fetch({ query, limit: Math.min(limit, MEMBER_SEARCH_MAX), time: timeoutMs });
  return members
    .map((m) => ({
      id: m.id,
      username: m.user.username,
      globalName: m.user.globalName,
      nickname: m.nickname,
      avatar: m.user.avatar,
      bot: m.user.bot,
    }))
    .sort((a, b) => a.username.localeCompare(b.username));
}

/** The answer fields of one query: `guilds`, `members` or `friends`, or an `error`. */
export type AnswerFields = Omit<AnswerMessage, 'v' | 'type' | 'requestId'>;

/** Answers what the server asked; never throws (a failure is an `error` field). */
export async function answerQuery(
  client: Client | undefined,
  tracker: PresenceTracker,
  query: WorkerQuery,
  timeoutMs: number,
): Promise<AnswerFields> {
  if (query.kind === 'friends') return { friends: tracker.visibility() };
  if (!client?.isReady()) return { error: { code: 'NOT_READY', message: 'The worker is not logged in' } };
  try {
    if (query.kind === 'guilds') return { guilds: listGuilds(client) };
    const members = await searchMembers(client, query.guildId, query.query, query.limit, timeoutMs);
    return members ? { members } : { error: { code: 'UNKNOWN_GUILD', message: 'The bot is not in that server' } };
  } catch (err) {
    return { error: { code: 'QUERY_FAILED', message: err instanceof Error ? err.message : String(err) } };
  }
}
