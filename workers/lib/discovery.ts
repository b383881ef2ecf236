import type { Client } from 'discord.js';

/** A server the bot is in, as the discovery routes show it. */
export interface GuildSummary {
  id: string;
  name: string;
  icon: string | null;
  memberCount: number;
}

/** A member of a server, enough to pick them as a friend. */
export interface MemberSummary {
  id: string;
  username: string;
  globalName: string | null;
  nickname: string | null;
  avatar: string | null;
  bot: boolean;
}

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
