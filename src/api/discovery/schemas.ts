import { GuildSummary, MemberSummary } from '../../ipc/payloads.js';
import { Page, Type } from '../common-schemas.js';

export const InviteBody = Type.Object({
  url: Type.String({ description: 'Open it, pick a server, authorize: the bot joins with these permissions' }),
  clientId: Type.String(),
  scopes: Type.Array(Type.String()),
  permissions: Type.String({ description: 'The permission bitfield, as a decimal string' }),
  permissionNames: Type.Array(Type.String()),
  privilegedIntents: Type.Array(Type.String(), {
    description: 'Turn these on in the Developer Portal (Bot → Privileged Gateway Intents), or the worker stops with INTENTS_DISALLOWED',
  }),
});

const ListQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 40, description: 'nextCursor of the previous page' })),
};

export const GuildsQuery = Type.Object(ListQuery);

export const MembersQuery = Type.Object({
  query: Type.String({ maxLength: 100, default: '', description: 'Username or nickname prefix; empty for anyone' }),
  ...ListQuery,
});

export const GuildParams = Type.Object({ id: Type.String({ description: 'Account id' }), guildId: Type.String({ pattern: '^[0-9]{17,20}$' }) });

export const GuildPage = Page(GuildSummary, 'servers the bot is in, by name');

export const Member = Type.Object({
  ...MemberSummary.properties,
  watched: Type.Boolean({ description: 'Already a friend of this account' }),
});

export const MemberPage = Page(Member, 'members, by username');
