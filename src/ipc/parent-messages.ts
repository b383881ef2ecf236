/** Messages from the server (parent) to one account worker (child). */
import { type Static, Type } from 'typebox';
import { envelope } from './envelope.js';
import { ParentOp } from './ops.js';
import { DeliveryTarget, HandedOverSession, OutgoingMessage, PresenceBaseline, WorkerInitSettings, WorkerQuery } from './payloads.js';

/** Commands that expect an answer carry a `requestId` from a monotonic counter of the parent. */
const RequestId = Type.Integer();

export const InitMessage = envelope(ParentOp.Init, {
  accountId: Type.String(),
  /** The bot token. Only ever sent here, over IPC; never in argv or env. */
  token: Type.String(),
  intents: Type.Integer(),
  /** Discord user ids of the friends to watch. */
  friends: Type.Array(Type.String()),
  /** REST base ending in `/api` (a fake Discord in tests); absent → the real Discord. */
  discordApiUrl: Type.Optional(Type.String()),
  settings: WorkerInitSettings,
  /** A session to RESUME (the replaced worker's); absent → identify. */
  session: Type.Optional(HandedOverSession),
  /**
   * The server's last-known presence of each friend (by Discord user id): the worker computes
   * transitions against it instead of taking READY's presences as a silent baseline.
   */
  baseline: Type.Optional(PresenceBaseline),
});
export type InitMessage = Static<typeof InitMessage>;

export const FriendsUpdateMessage = envelope(ParentOp.FriendsUpdate, { friends: Type.Array(Type.String()) });
export type FriendsUpdateMessage = Static<typeof FriendsUpdateMessage>;

export const DeliverMessage = envelope(ParentOp.Deliver, {
  requestId: RequestId,
  target: DeliveryTarget,
  message: OutgoingMessage,
});
export type DeliverMessage = Static<typeof DeliverMessage>;

export const PingMessage = envelope(ParentOp.Ping, { requestId: RequestId });
export type PingMessage = Static<typeof PingMessage>;

/** Lease keepalive (fencing): this node still holds the account's lease for `validForMs`. */
export const LeaseMessage = envelope(ParentOp.Lease, { validForMs: Type.Number() });
export type LeaseMessage = Static<typeof LeaseMessage>;

/** A question about what the worker sees (discovery, friend visibility); answered by `answer`. */
export const QueryMessage = envelope(ParentOp.Query, { requestId: RequestId, query: WorkerQuery });
export type QueryMessage = Static<typeof QueryMessage>;

export const ShutdownMessage = envelope(ParentOp.Shutdown, {
  reason: Type.Optional(Type.String()),
  /** Leave the gateway session resumable (exit without closing it): a new worker resumes it. */
  keepSession: Type.Optional(Type.Boolean()),
});
export type ShutdownMessage = Static<typeof ShutdownMessage>;

export const ParentMessage = Type.Union([
  InitMessage,
  FriendsUpdateMessage,
  DeliverMessage,
  PingMessage,
  LeaseMessage,
  QueryMessage,
  ShutdownMessage,
]);
export type ParentMessage = Static<typeof ParentMessage>;
