import { OAuth2Scopes, PermissionFlagsBits } from 'discord-api-types/v10';

/**
 * What a bot needs in a server: see the channel, post in it, and show embeds (images, titles).
 * DMs need no server permission, but Discord only lets a bot DM users it shares a server with.
 */
const NEEDED = {
  ViewChannel: PermissionFlagsBits.ViewChannel,
  SendMessages: PermissionFlagsBits.SendMessages,
  EmbedLinks: PermissionFlagsBits.EmbedLinks,
} as const;

/** The privileged gateway intents the worker asks for (Developer Portal → Bot). */
export const PRIVILEGED_INTENTS = ['SERVER MEMBERS INTENT', 'PRESENCE INTENT'] as const;

export interface InviteInfo {
  url: string;
  clientId: string;
  scopes: string[];
  permissions: string;
  permissionNames: string[];
  privilegedIntents: string[];
}

/**
 * The bot's user id as written in its token: the token's first part is the id in base64. Used
 * before the bot has ever logged in; undefined when the token is not shaped that way.
 */
export function botIdFromToken(token: string): string | undefined {
  const id = Buffer.from(token.split('.')[0] ?? '', 'base64').toString('utf8');
  return /^\d{17,20}$/.test(id) ? id : undefined;
}

/** The OAuth2 URL that adds the bot to a server with the permissions it needs. */
export function inviteInfo(clientId: string): InviteInfo {
  const permissions = Object.values(NEEDED).reduce((all, bit) => all | bit, 0n).toString();
  const scopes = [OAuth2Scopes.Bot];
  const query = new URLSearchParams({ client_id: clientId, scope: scopes.join(' '), permissions });
  return {
    url: `https://discord.com/oauth2/authorize?${query.toString()}`,
    clientId,
    scopes,
    permissions,
    permissionNames: Object.keys(NEEDED),
    privilegedIntents: [...PRIVILEGED_INTENTS],
  };
}
