import { Type, type Static } from 'typebox';

const Snowflake = Type.String({ pattern: '^[0-9]{1,20}$' });
const PrivilegedIntent = Type.Union([Type.Literal('GuildMembers'), Type.Literal('GuildPresences')]);

export const CreateBot = Type.Object({
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  grantedIntents: Type.Optional(Type.Array(PrivilegedIntent)),
});

export const CreateUser = Type.Object({ username: Type.String({ minLength: 1, maxLength: 32 }) });

export const CreateGuild = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  botIds: Type.Array(Snowflake),
  userIds: Type.Array(Snowflake),
});

export const Activity = Type.Object({
  name: Type.String(),
  type: Type.Integer({ minimum: 0, maximum: 5 }),
  state: Type.Optional(Type.String()),
  url: Type.Optional(Type.String()),
});

export const SetPresence = Type.Object({
  status: Type.Union([Type.Literal('online'), Type.Literal('idle'), Type.Literal('dnd'), Type.Literal('offline')]),
  activities: Type.Optional(Type.Array(Activity)),
});

export const MessagesQuery = Type.Object({
  botId: Type.Optional(Snowflake),
  recipientId: Type.Optional(Snowflake),
  channelId: Type.Optional(Snowflake),
});

export const Disconnect = Type.Object({ code: Type.Optional(Type.Integer()) });

export const HeartbeatAck = Type.Object({ ack: Type.Boolean() });

export const InjectRateLimit = Type.Object({
  botId: Type.Optional(Snowflake),
  route: Type.Optional(Type.String({ minLength: 1 })),
  count: Type.Integer({ minimum: 1 }),
  retryAfter: Type.Number({ minimum: 0 }),
});

export const IdParams = Type.Object({ id: Snowflake });

export type CreateBotBody = Static<typeof CreateBot>;
export type CreateUserBody = Static<typeof CreateUser>;
export type CreateGuildBody = Static<typeof CreateGuild>;
export type SetPresenceBody = Static<typeof SetPresence>;
export type MessagesQueryString = Static<typeof MessagesQuery>;
export type InjectRateLimitBody = Static<typeof InjectRateLimit>;
