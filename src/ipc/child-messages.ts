/** Messages from one account worker (child) to the server (parent). */
import { type Static, Type } from 'typebox';
import { envelope } from './envelope.js';
import { ChildOp } from './ops.js';
import {
  ActivityEvent,
  FriendVisibility,
  GuildSummary,
  MemberSummary,
  GatewaySessionInfo,
  GatewayState,
  PresenceBaseline,
  ResumeOutcome,
  Sequence,
  WorkerFatalCode,
  WorkerHeartbeat,
} from './payloads.js';

/** Replies carry the `requestId` of the command they answer. */
const RequestId = Type.Integer();

export const ReadyMessage = envelope(ChildOp.Ready, {
  botUserId: Type.String(),
  botUsername: Type.String(),
  guildCount: Type.Integer(),
  /** Set when `init` carried a session: whether it was resumed or Discord refused it. */
  resume: Type.Optional(ResumeOutcome),
});
export type ReadyMessage = Static<typeof ReadyMessage>;

/** A new gateway session (after READY). A credential: the server keeps it, never logs it. */
export const SessionMessage = envelope(ChildOp.Session, { session: GatewaySessionInfo });
export type SessionMessage = Static<typeof SessionMessage>;

export const StateMessage = envelope(ChildOp.State, {
  state: GatewayState,
  /** Close code or reason, when known. */
  detail: Type.Optional(Type.String()),
});
export type StateMessage = Static<typeof StateMessage>;

/**
 * Everything one gateway dispatch meant for the friends, in one message so the server never
 * holds half of a dispatch: receiving it means the dispatch `seq` was passed on whole.
 */
export const ActivityMessage = envelope(ChildOp.Activity, {
  /** Sequence number of the gateway dispatch. */
  seq: Sequence,
  events: Type.Array(ActivityEvent),
  /** Friends first seen in this dispatch: their presence, taken as a baseline without an event. */
  baseline: Type.Optional(PresenceBaseline),
});
export type ActivityMessage = Static<typeof ActivityMessage>;

export const DeliveredMessage = envelope(ChildOp.Delivered, {
  requestId: RequestId,
  messageId: Type.String(),
  channelId: Type.String(),
});
export type DeliveredMessage = Static<typeof DeliveredMessage>;

export const DeliverFailedMessage = envelope(ChildOp.DeliverFailed, {
  requestId: RequestId,
  /** Human-readable reason (never the token). */
  reason: Type.String(),
  /** Discord JSON error code or a worker code such as `DELIVERY_TIMEOUT`. */
  code: Type.Optional(Type.Union([Type.String(), Type.Number()])),
  /** HTTP status of the last Discord answer, when there was one. */
  status: Type.Optional(Type.Integer()),
  /** Whether trying again later could succeed (429, 5xx, timeouts). */
  retryable: Type.Boolean(),
  /** Discord's `Retry-After`, when it sent one. */
  retryAfterMs: Type.Optional(Type.Number()),
});
export type DeliverFailedMessage = Static<typeof DeliverFailedMessage>;

export const PongMessage = envelope(ChildOp.Pong, { requestId: RequestId });
export type PongMessage = Static<typeof PongMessage>;

/** The answer to a `query`: the field named after its kind, or why there is none. */
export const AnswerMessage = envelope(ChildOp.Answer, {
  requestId: RequestId,
  guilds: Type.Optional(Type.Array(GuildSummary)),
  members: Type.Optional(Type.Array(MemberSummary)),
  friends: Type.Optional(Type.Record(Type.String(), FriendVisibility)),
  /** `NOT_READY`, `UNKNOWN_GUILD` or `QUERY_FAILED`, with a readable message. */
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
});
export type AnswerMessage = Static<typeof AnswerMessage>;

export const HeartbeatMessage = envelope(ChildOp.Heartbeat, {
  ...WorkerHeartbeat.properties,
  /** Sequence number of the last gateway dispatch passed on whole (absent before the first). */
  seq: Type.Optional(Sequence),
});
export type HeartbeatMessage = Static<typeof HeartbeatMessage>;

/** Discord answered 401, 403 or 429: counted server-wide against the per-IP invalid budget. */
export const InvalidRequestMessage = envelope(ChildOp.InvalidRequest, {
  status: Type.Integer(),
  route: Type.String(),
});
export type InvalidRequestMessage = Static<typeof InvalidRequestMessage>;

export const FatalMessage = envelope(ChildOp.Fatal, {
  code: WorkerFatalCode,
  /** Readable reason. Never contains the token. */
  message: Type.String(),
});
export type FatalMessage = Static<typeof FatalMessage>;

/**
 * Sent before a worker whose lease keepalive ran out closes its gateway connection (fencing):
 * closing ends the session at Discord, so the server must not hand it to the next worker.
 * `sessionId` names the session that ends (a credential, like `session`'s: never logged); absent
 * when the worker had none yet.
 */
export const FencedMessage = envelope(ChildOp.Fenced, { sessionId: Type.Optional(Type.String()) });
export type FencedMessage = Static<typeof FencedMessage>;

export const ChildMessage = Type.Union([
  ReadyMessage,
  SessionMessage,
  StateMessage,
  ActivityMessage,
  DeliveredMessage,
  DeliverFailedMessage,
  PongMessage,
  AnswerMessage,
  HeartbeatMessage,
  InvalidRequestMessage,
  FatalMessage,
  FencedMessage,
]);
export type ChildMessage = Static<typeof ChildMessage>;
