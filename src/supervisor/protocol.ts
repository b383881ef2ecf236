/**
 * The IPC protocol between the server (parent) and one account worker (child).
 *
 * Imported by both sides. Node's fork IPC serialises messages as JSON, so every field is a plain
 * value: numbers for times (epoch ms), strings for snowflakes, no Dates, no Buffers.
 * Every message carries the protocol version `v` and a `type` discriminator. Commands that expect
 * an answer carry a `requestId` drawn from a monotonic counter on the parent side.
 */

import type { ActivityKind, ActivityTypeName, PresenceStatus } from '../domain/activity.js';
import type { WorkerInitSettings } from '../domain/worker-settings.js';

export const PROTOCOL_VERSION = 1 as const;

/** Gateway intent bits the worker asks for (Guilds | GuildMembers | GuildPresences). */
export const WORKER_INTENTS = 1 | 2 | 256;

// ─── shared payload shapes ─────────────────────────────────────────────────────────────────────

export type { ActivityKind, ActivityTypeName, PresenceStatus };

export interface ActivityEvent {
  /** Discord user id (snowflake) of the friend. */
  discordUserId: string;
  kind: ActivityKind;
  /** The friend's status after the change. */
  status: PresenceStatus;
  /** Set for `activity:start` / `activity:end`. */
  activity?: { name: string; type: ActivityTypeName };
  /** When the worker saw the change (epoch ms). */
  at: number;
  /**
   * Set by the server, never by the worker: the same change seen again (replayed after a session
   * resume) gets the same id, so it is stored once.
   */
  id?: string;
}

/** A friend's presence reduced to what events are computed from. */
export interface FriendPresence {
  status: PresenceStatus;
  activities: ReadonlyArray<{ name: string; type: ActivityTypeName }>;
}

/**
 * A Discord gateway session a new worker process can RESUME instead of identifying. A credential,
 * like the token: sent only over IPC, never logged, never returned by the API.
 */
export interface GatewaySessionInfo {
  sessionId: string;
  resumeUrl: string;
  /** Sequence number of the last dispatch whose events the server has received. */
  seq: number;
}

/** What a resuming worker reports as ready without a READY of its own: the session's bot. */
export interface HandedOverSession extends GatewaySessionInfo {
  botUserId: string;
  botUsername: string;
  guildCount: number;
}

/** How a worker that was handed a session got connected. */
export type ResumeOutcome = 'resumed' | 'refused';

/** Where a delivery goes: a DM, or a guild text channel with a mention of the recipient. */
export type DeliveryTarget =
  | { mode: 'dm'; recipientId: string }
  | { mode: 'channel'; recipientId: string; channelId: string };

/** A rendered message. The worker knows nothing about content types; ContentService renders. */
export interface OutgoingMessage {
  content?: string;
  embeds?: Array<{
    title?: string;
    url?: string;
    description?: string;
    image?: { url: string };
  }>;
}

export type WorkerFatalCode =
  | 'TOKEN_INVALID'
  | 'INTENTS_DISALLOWED'
  | 'LOGIN_TIMEOUT'
  | 'PROTOCOL_MISMATCH'
  | 'INIT_TIMEOUT'
  | 'GATEWAY_FATAL';

/** Discord connection states the worker reports (the supervisor owns the process states). */
export type GatewayState = 'connecting' | 'ready' | 'reconnecting' | 'resumed' | 'disconnected';

export type { WorkerInitSettings };

// ─── parent → child ─────────────────────────────────────────────────────────────────────────────

export interface InitMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'init';
  accountId: string;
  /** The bot token. Only ever sent here, over IPC; never in argv or env. */
  token: string;
  intents: number;
  /** Discord user ids of the friends to watch. */
  friends: string[];
  /** REST base ending in `/api` (a fake Discord in tests); absent → the real Discord. */
  discordApiUrl?: string;
  settings: WorkerInitSettings;
  /** A session to RESUME (the replaced worker's); absent → identify. */
  session?: HandedOverSession;
  /**
   * The server's last-known presence of each friend (by Discord user id): the worker computes
   * transitions against it instead of taking READY's presences as a silent baseline.
   */
  baseline?: Record<string, FriendPresence>;
}

export interface FriendsUpdateMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'friends:update';
  friends: string[];
}

export interface DeliverMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'deliver';
  requestId: number;
  target: DeliveryTarget;
  message: OutgoingMessage;
}

export interface PingMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'ping';
  requestId: number;
}

export interface ShutdownMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'shutdown';
  reason?: string;
  /** Leave the gateway session resumable (exit without closing it): a new worker resumes it. */
  keepSession?: boolean;
}

export type ParentMessage =
  | InitMessage
  | FriendsUpdateMessage
  | DeliverMessage
  | PingMessage
  | ShutdownMessage;

// ─── child → parent ─────────────────────────────────────────────────────────────────────────────

export interface ReadyMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'ready';
  botUserId: string;
  botUsername: string;
  guildCount: number;
  /** Set when `init` carried a session: whether it was resumed or Discord refused it. */
  resume?: ResumeOutcome;
}

/** A new gateway session (after READY). A credential: the server keeps it, never logs it. */
export interface SessionMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'session';
  session: GatewaySessionInfo;
}

export interface StateMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'state';
  state: GatewayState;
  /** Close code or reason, when known. */
  detail?: string;
}

/**
 * Everything one gateway dispatch meant for the friends, in one message so the server never
 * holds half of a dispatch: receiving it means the dispatch `seq` was passed on whole.
 */
export interface ActivityMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'activity';
  /** Sequence number of the gateway dispatch. */
  seq: number;
  events: ActivityEvent[];
  /** Friends first seen in this dispatch: their presence, taken as a baseline without an event. */
  baseline?: Record<string, FriendPresence>;
}

export interface DeliveredMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'delivered';
  requestId: number;
  messageId: string;
  channelId: string;
}

export interface DeliverFailedMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'deliver:failed';
  requestId: number;
  /** Human-readable reason (never the token). */
  reason: string;
  /** Discord JSON error code or a worker code such as `DELIVERY_TIMEOUT`. */
  code?: string | number;
  /** HTTP status of the last Discord answer, when there was one. */
  status?: number;
  /** Whether trying again later could succeed (429, 5xx, timeouts). */
  retryable: boolean;
  /** Discord's `Retry-After`, when it sent one. */
  retryAfterMs?: number;
}

export interface PongMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'pong';
  requestId: number;
}

export interface HeartbeatMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'heartbeat';
  rss: number;
  heapUsed: number;
  /** Event-loop delay p99 over the last interval, ms. */
  eventLoopLagMs: number;
  /** Gateway websocket ping, ms (-1 until measured). */
  gatewayPingMs: number;
  at: number;
  /** Sequence number of the last gateway dispatch passed on whole (absent before the first). */
  seq?: number;
}

/** Discord answered 401, 403 or 429: counted server-wide against the per-IP invalid budget. */
export interface InvalidRequestMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'rest:invalid';
  status: number;
  route: string;
}

export interface FatalMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'fatal';
  code: WorkerFatalCode;
  /** Readable reason. Never contains the token. */
  message: string;
}

export type ChildMessage =
  | ReadyMessage
  | SessionMessage
  | StateMessage
  | ActivityMessage
  | DeliveredMessage
  | DeliverFailedMessage
  | PongMessage
  | HeartbeatMessage
  | InvalidRequestMessage
  | FatalMessage;

// ─── builders and guards ────────────────────────────────────────────────────────────────────────

type Body<M> = M extends unknown ? Omit<M, 'v'> : never;

/** Stamps the protocol version on a message body. */
export function message<M extends ParentMessage | ChildMessage>(body: Body<M>): M {
  return { v: PROTOCOL_VERSION, ...body } as unknown as M;
}

const PARENT_TYPES = new Set<string>(['init', 'friends:update', 'deliver', 'ping', 'shutdown']);
const CHILD_TYPES = new Set<string>([
  'ready',
  'session',
  'state',
  'activity',
  'delivered',
  'deliver:failed',
  'pong',
  'heartbeat',
  'rest:invalid',
  'fatal',
]);

function hasEnvelope(raw: unknown, types: Set<string>): raw is { v: number; type: string } {
  if (typeof raw !== 'object' || raw === null) return false;
  const { v, type } = raw as { v?: unknown; type?: unknown };
  return v === PROTOCOL_VERSION && typeof type === 'string' && types.has(type);
}

const isString = (x: unknown): x is string => typeof x === 'string';
const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStringArray = (x: unknown): x is string[] => Array.isArray(x) && x.every(isString);
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isSequence = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

function isPresence(x: unknown): x is FriendPresence {
  return (
    isRecord(x) &&
    isString(x.status) &&
    Array.isArray(x.activities) &&
    x.activities.every((a) => isRecord(a) && isString(a.name) && isString(a.type))
  );
}

/** A map of Discord user id → presence, or absent. */
const isOptionalBaseline = (x: unknown): boolean => x === undefined || (isRecord(x) && Object.values(x).every(isPresence));

function isSession(x: unknown): x is GatewaySessionInfo & Record<string, unknown> {
  return isRecord(x) && isString(x.sessionId) && isString(x.resumeUrl) && isSequence(x.seq);
}

const isOptionalHandedOverSession = (x: unknown): boolean =>
  x === undefined || (isSession(x) && isString(x.botUserId) && isString(x.botUsername) && isNumber(x.guildCount));


function isActivityEvent(e: unknown): e is ActivityEvent {
  return isRecord(e) && isString(e.discordUserId) && isString(e.kind) && isString(e.status) && isNumber(e.at);
}

/**
 * Checks a message received by the child. Returns it typed, or `undefined` for anything
 * malformed or unknown (the caller logs and drops it).
 */
export function parseParentMessage(raw: unknown): ParentMessage | undefined {
  if (!hasEnvelope(raw, PARENT_TYPES)) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'init':
      return isString(m.accountId) &&
        isString(m.token) &&
        isNumber(m.intents) &&
        isStringArray(m.friends) &&
        typeof m.settings === 'object' &&
        m.settings !== null &&
        isOptionalHandedOverSession(m.session) &&
        isOptionalBaseline(m.baseline)
        ? (raw as InitMessage)
        : undefined;
    case 'friends:update':
      return isStringArray(m.friends) ? (raw as FriendsUpdateMessage) : undefined;
    case 'deliver': {
      const t = m.target as Record<string, unknown> | undefined;
      const ok =
        isNumber(m.requestId) &&
        typeof t === 'object' &&
        t !== null &&
        isString(t.recipientId) &&
        (t.mode === 'dm' || (t.mode === 'channel' && isString(t.channelId))) &&
        typeof m.message === 'object' &&
        m.message !== null;
      return ok ? (raw as DeliverMessage) : undefined;
    }
    case 'ping':
      return isNumber(m.requestId) ? (raw as PingMessage) : undefined;
    case 'shutdown':
      return raw as ShutdownMessage;
    default:
      return undefined;
  }
}

/** Checks a message received by the parent; `undefined` means log and drop. */
export function parseChildMessage(raw: unknown): ChildMessage | undefined {
  if (!hasEnvelope(raw, CHILD_TYPES)) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return isString(m.botUserId) &&
        isString(m.botUsername) &&
        isNumber(m.guildCount) &&
        (m.resume === undefined || m.resume === 'resumed' || m.resume === 'refused')
        ? (raw as ReadyMessage)
        : undefined;
    case 'state':
      return isString(m.state) ? (raw as StateMessage) : undefined;
    case 'session':
      return isSession(m.session) ? (raw as SessionMessage) : undefined;
    case 'activity':
      return isSequence(m.seq) &&
        Array.isArray(m.events) &&
        m.events.every(isActivityEvent) &&
        isOptionalBaseline(m.baseline)
        ? (raw as ActivityMessage)
        : undefined;
    case 'delivered':
      return isNumber(m.requestId) && isString(m.messageId) && isString(m.channelId)
        ? (raw as DeliveredMessage)
        : undefined;
    case 'deliver:failed':
      return isNumber(m.requestId) && isString(m.reason) && typeof m.retryable === 'boolean'
        ? (raw as DeliverFailedMessage)
        : undefined;
    case 'pong':
      return isNumber(m.requestId) ? (raw as PongMessage) : undefined;
    case 'heartbeat':
      return isNumber(m.rss) && isNumber(m.heapUsed) && isNumber(m.at) && (m.seq === undefined || isSequence(m.seq))
        ? (raw as HeartbeatMessage)
        : undefined;
    case 'rest:invalid':
      return isNumber(m.status) ? (raw as InvalidRequestMessage) : undefined;
    case 'fatal':
      return isString(m.code) && isString(m.message) ? (raw as FatalMessage) : undefined;
    default:
      return undefined;
  }
}

// ─── process exit ───────────────────────────────────────────────────────────────────────────────

/** How a worker process exits, so the supervisor can tell a fatal stop from a crash. */
export const WORKER_EXIT_CODES = {
  /** Asked to shut down, or the parent went away. */
  ok: 0,
  /** An unexpected error; a restart may help. */
  crashed: 1,
  /** After a `fatal` message: a restart will not help until something changes. */
  fatal: 78,
} as const;
