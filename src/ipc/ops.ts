/**
 * The wire constants of the IPC protocol, free of TypeBox so that the worker bundle stays small:
 * the version, the two op enums, and the builder that stamps the version on a message.
 */

/**
 * Version of the IPC protocol. The server and the worker are built together, so a mismatch
 * means a stale `dist/worker.cjs`: the worker answers an `init` of another version with a
 * `PROTOCOL_MISMATCH` fatal error.
 */
export const PROTOCOL_VERSION = 1 as const;

/** The `type` of each parent → child message. */
export const ParentOp = {
  Init: 'init',
  FriendsUpdate: 'friends:update',
  Deliver: 'deliver',
  Ping: 'ping',
  /** Lease keepalive (fencing). */
  Lease: 'lease',
  Query: 'query',
  Shutdown: 'shutdown',
} as const;
export type ParentOp = (typeof ParentOp)[keyof typeof ParentOp];

/** The `type` of each child → parent message. */
export const ChildOp = {
  Ready: 'ready',
  Session: 'session',
  State: 'state',
  Activity: 'activity',
  Delivered: 'delivered',
  DeliverFailed: 'deliver:failed',
  Pong: 'pong',
  Answer: 'answer',
  Heartbeat: 'heartbeat',
  InvalidRequest: 'rest:invalid',
  Fatal: 'fatal',
  /** The worker closed its gateway connection by itself: its lease keepalive ran out (fencing). */
  Fenced: 'fenced',
} as const;
export type ChildOp = (typeof ChildOp)[keyof typeof ChildOp];

/** Gateway intent bits the worker asks for (Guilds | GuildMembers | GuildPresences). */
export const WORKER_INTENTS = 1 | 2 | 256;

type Body<M> = M extends unknown ? Omit<M, 'v'> : never;

/** Stamps the protocol version on a message body: `message<PongMessage>({ type: ChildOp.Pong, requestId })`. */
export function message<M extends { v: typeof PROTOCOL_VERSION; type: string }>(body: Body<M>): M {
  return { v: PROTOCOL_VERSION, ...body } as unknown as M;
}
