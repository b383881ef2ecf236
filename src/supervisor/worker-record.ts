import type { GatewayState } from '../ipc/index.js';
import { EMPTY_HISTORY, type RestartHistory } from './restart-policy.js';
import type { WorkerHeartbeat, WorkerLastError, WorkerSnapshot } from './types.js';
import type { WorkerHandle } from './worker-handle.js';
import type { WorkerState } from './worker-state.js';

/** Why the supervisor is waiting for the current child to exit. */
export type ExitIntent = 'stop' | 'restart' | 'error' | 'replace';

/** Everything the supervisor knows about one account, across its successive processes. */
export interface WorkerRecord {
  readonly accountId: string;
  state: WorkerState;
  /** The current child, from fork until its exit has been handled. */
  handle?: WorkerHandle;
  /** Bumped to cancel a queued spawn or a backoff timer that no longer applies. */
  generation: number;
  exitIntent?: ExitIntent;
  restarts: number;
  history: RestartHistory;
  backoffTimer?: NodeJS.Timeout;
  retryAt?: number;
  /** Friends sent with `updateFriends` while the init was being resolved. */
  friendsOverride?: string[];
  heartbeatTimeoutMs: number;
  /** Consecutive heartbeats of the current child reporting an event-loop delay over the cap. */
  laggingBeats: number;
  botUserId?: string;
  botUsername?: string;
  guildCount?: number;
  gatewayState?: GatewayState;
  lastError?: WorkerLastError;
  lastHeartbeat?: WorkerHeartbeat;
  startedAt?: number;
  readyAt?: number;
}

export function createRecord(accountId: string, heartbeatTimeoutMs: number): WorkerRecord {
  return { accountId, state: 'stopped', generation: 0, restarts: 0, history: EMPTY_HISTORY, heartbeatTimeoutMs, laggingBeats: 0 };
}

/** A detached copy for events and the API; absent fields are left out, not undefined. */
export function toSnapshot(rec: WorkerRecord): WorkerSnapshot {
  const snapshot: WorkerSnapshot = { accountId: rec.accountId, state: rec.state, restarts: rec.restarts };
  const optional: Omit<WorkerSnapshot, 'accountId' | 'state' | 'restarts'> = {
    pid: rec.handle?.pid,
    botUserId: rec.botUserId,
    botUsername: rec.botUsername,
    guildCount: rec.guildCount,
    gatewayState: rec.gatewayState,
    lastError: rec.lastError && { ...rec.lastError },
    lastHeartbeat: rec.lastHeartbeat && { ...rec.lastHeartbeat },
    startedAt: rec.startedAt,
    readyAt: rec.readyAt,
    retryAt: rec.retryAt,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (snapshot as unknown as Record<string, unknown>)[key] = value;
  }
  return snapshot;
}
