import type { ActivityKind, ActivityTypeName, PresenceStatus } from '../domain/activity.js';
import type { WorkerState } from '../supervisor/worker-state.js';

/**
 * What the live stream (`GET /api/events`) carries. Every event names its account; the bus
 * stamps `id`, `at` and the account's owner. `data` is exactly what a client receives.
 */
export interface LiveEventData {
  /** A worker changed process state (or reported a new gateway state). */
  state: {
    accountId: string;
    state: WorkerState;
    gatewayState?: string;
    restarts: number;
    lastError?: { code: string; message: string; at: number };
    /** The node running the worker, once multi-node is on. */
    node?: string;
  };
  /** A watched friend's presence changed (as stored in ActivityHistory). */
  activity: {
    accountId: string;
    discordUserId: string;
    kind: ActivityKind;
    status: PresenceStatus;
    activity?: { name: string; type: ActivityTypeName };
    /** When the worker saw it (epoch ms). */
    seenAt: number;
  };
  /** What became of an activity event: sent, failed, or skipped with its reason. */
  delivery: {
    accountId: string;
    discordUserId: string;
    status: 'sent' | 'failed' | 'skipped';
    /** Why nothing was sent: a rule rejection (`no-trigger`, `cooldown`, …), a content skip, or the failure. */
    reason?: string;
    /** For `cooldown`, caps and quiet hours: when the rule lets a delivery through again (epoch ms). */
    until?: number;
    itemId?: string;
    messageId?: string;
    /** Presence change seen → message accepted by Discord, ms. */
    latencyMs?: number;
    /** Sent by `POST …/friends/:friendId/test`, not by a trigger. */
    test?: boolean;
  };
  /** A watched friend's current presence, after a change. */
  presence: {
    accountId: string;
    discordUserId: string;
    status: PresenceStatus;
    activities: Array<{ name: string; type: ActivityTypeName }>;
  };
  /** A line of the account's worker or pipeline log (secrets redacted). */
  log: {
    accountId: string;
    level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
    source: 'worker' | 'supervisor' | 'pipeline';
    msg: string;
    fields?: Record<string, unknown>;
  };
}

export type LiveEventType = keyof LiveEventData;

/** Why the server ended a stream; sent as a last `disconnect` event. */
export type DisconnectReason = 'slow-consumer' | 'token-expired' | 'server-shutdown';

/** The stream's own events around the bus's (they carry no account and no `at`). */
export interface StreamEventData {
  /** The stream is live; `resumed` when it replayed what the client missed. */
  hello: { resumed: boolean };
  /** The resume point is no longer buffered: reload. */
  reset: { reason: string };
  /** The server ends the stream. */
  disconnect: { reason: DisconnectReason };
}

export const LIVE_EVENT_TYPES: readonly LiveEventType[] = ['state', 'activity', 'delivery', 'presence', 'log'];

/** An event as buffered: its JSON is built once, when first sent, and shared by every open stream. */
export interface LiveEvent<T extends LiveEventType = LiveEventType> {
  /** `<boot>.<seq>`: seq grows by one per event on this node; boot changes at every server start. */
  id: string;
  seq: number;
  type: T;
  accountId: string;
  /** The account's owner, for per-user streams. */
  ownerId: string;
  at: number;
  /** `{...data, at}` as JSON. */
  readonly json: string;
}
