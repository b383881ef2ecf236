/**
 * Payload shapes carried by IPC messages, as TypeBox schemas with their `Static<>` types. Node's
 * fork IPC serialises messages as JSON, so every field is a plain value: numbers for times
 * (epoch ms), strings for snowflakes, no Dates, no Buffers.
 */
import { type Static, Type } from 'typebox';
import { ActivityKind, ActivityTypeName, PresenceStatus } from '../domain/activity.js';
import type { WorkerInitSettings as WorkerInitSettingsShape } from '../domain/worker-settings.js';

// Activity kinds, presence statuses and activity types are domain shapes (src/domain/), reused here.
export { ActivityKind, ActivityTypeName, PresenceStatus };

export const ActivityEvent = Type.Object({
  /** Discord user id (snowflake) of the friend. */
  discordUserId: Type.String(),
  kind: ActivityKind,
  /** The friend's status after the change. */
  status: PresenceStatus,
  /** Set for `activity:start` / `activity:end`. */
  activity: Type.Optional(Type.Object({ name: Type.String(), type: ActivityTypeName })),
  /** When the worker saw the change (epoch ms). */
  at: Type.Number(),
  /**
   * Set by the server, never by the worker: the same change seen again (replayed after a session
   * resume) gets the same id, so it is stored once.
   */
  id: Type.Optional(Type.String()),
});
export type ActivityEvent = Static<typeof ActivityEvent>;

/** A friend's presence reduced to what events are computed from. */
export const FriendPresence = Type.Object({
  status: PresenceStatus,
  activities: Type.Immutable(Type.Array(Type.Object({ name: Type.String(), type: ActivityTypeName }))),
});
export type FriendPresence = Static<typeof FriendPresence>;

/** Friends' presences by Discord user id. */
export const PresenceBaseline = Type.Record(Type.String(), FriendPresence);

/** A gateway sequence number. */
export const Sequence = Type.Integer({ minimum: 0 });

/**
 * A Discord gateway session a new worker process can RESUME instead of identifying. A credential,
 * like the token: sent only over IPC, never logged, never returned by the API.
 */
export const GatewaySessionInfo = Type.Object({
  sessionId: Type.String(),
  resumeUrl: Type.String(),
  /** Sequence number of the last dispatch whose events the server has received. */
  seq: Sequence,
});
export type GatewaySessionInfo = Static<typeof GatewaySessionInfo>;

/** What a resuming worker reports as ready without a READY of its own: the session's bot. */
export const HandedOverSession = Type.Object({
  ...GatewaySessionInfo.properties,
  botUserId: Type.String(),
  botUsername: Type.String(),
  guildCount: Type.Integer(),
});
export type HandedOverSession = Static<typeof HandedOverSession>;

/** How a worker that was handed a session got connected. */
export const ResumeOutcome = Type.Enum(['resumed', 'refused']);
export type ResumeOutcome = Static<typeof ResumeOutcome>;

/** Where a delivery goes: a DM, or a guild text channel with a mention of the recipient. */
export const DeliveryTarget = Type.Union([
  Type.Object({ mode: Type.Literal('dm'), recipientId: Type.String() }),
  Type.Object({ mode: Type.Literal('channel'), recipientId: Type.String(), channelId: Type.String() }),
]);
export type DeliveryTarget = Static<typeof DeliveryTarget>;

/** A rendered message. The worker knows nothing about content types; ContentService renders. */
export const OutgoingMessage = Type.Object({
  content: Type.Optional(Type.String()),
  embeds: Type.Optional(
    Type.Array(
      Type.Object({
        title: Type.Optional(Type.String()),
        url: Type.Optional(Type.String()),
        description: Type.Optional(Type.String()),
        image: Type.Optional(Type.Object({ url: Type.String() })),
      }),
    ),
  ),
});
export type OutgoingMessage = Static<typeof OutgoingMessage>;

export const WorkerFatalCode = Type.Enum([
  'TOKEN_INVALID',
  'INTENTS_DISALLOWED',
  'LOGIN_TIMEOUT',
  'PROTOCOL_MISMATCH',
  'INIT_TIMEOUT',
  'GATEWAY_FATAL',
]);
export type WorkerFatalCode = Static<typeof WorkerFatalCode>;

/** Discord connection states the worker reports (the supervisor owns the process states). */
export const GatewayState = Type.Enum(['connecting', 'ready', 'reconnecting', 'resumed', 'disconnected']);
export type GatewayState = Static<typeof GatewayState>;

/** The worker's timings (`src/domain/worker-settings.ts` has their shape and defaults), checked. */
export const WorkerInitSettings = Type.Object({
  heartbeatIntervalMs: Type.Number(),
  loginTimeoutMs: Type.Number(),
  deliveryTimeoutMs: Type.Number(),
  leaseValidForMs: Type.Optional(Type.Number()),
});
export type WorkerInitSettings = WorkerInitSettingsShape;
// The schema checks exactly the domain's shape (a compile error when either side changes alone).
const settingsInStep: [Static<typeof WorkerInitSettings>, WorkerInitSettings] extends [WorkerInitSettings, Static<typeof WorkerInitSettings>] ? true : never = true;
void settingsInStep;

/** What a `heartbeat` reports; the supervisor keeps the latest one in the worker's snapshot. */
export const WorkerHeartbeat = Type.Object({
  rss: Type.Number(),
  heapUsed: Type.Number(),
  /** Event-loop delay p99 over the last interval, ms. */
  eventLoopLagMs: Type.Number(),
  /** Gateway websocket ping, ms (-1 until measured). */
  gatewayPingMs: Type.Number(),
  /** The child's clock (epoch ms). */
  at: Type.Number(),
});
export type WorkerHeartbeat = Static<typeof WorkerHeartbeat>;

/** What the server may ask a worker about (`query`): its servers, a server's members, its friends. */
export const WorkerQuery = Type.Union([
  Type.Object({ kind: Type.Literal('guilds') }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('members'),
      guildId: Type.String(),
      /** Username or nickname prefix; empty for anyone. */
      query: Type.String({ maxLength: 100 }),
      limit: Type.Integer({ minimum: 1, maximum: 100 }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('friends') }, { additionalProperties: false }),
]);
export type WorkerQuery = Static<typeof WorkerQuery>;

export const GuildSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  icon: Type.Union([Type.String(), Type.Null()]),
  memberCount: Type.Integer(),
});
export type GuildSummary = Static<typeof GuildSummary>;

export const MemberSummary = Type.Object({
  id: Type.String(),
  username: Type.String(),
  globalName: Type.Union([Type.String(), Type.Null()]),
  nickname: Type.Union([Type.String(), Type.Null()]),
  avatar: Type.Union([Type.String(), Type.Null()]),
  bot: Type.Boolean(),
});
export type MemberSummary = Static<typeof MemberSummary>;

/** Whether the bot sees a friend (shares a server with them), and their presence as it has it. */
export const FriendVisibility = Type.Object({ visible: Type.Boolean(), presence: Type.Optional(FriendPresence) });
export type FriendVisibility = Static<typeof FriendVisibility>;
