import type { GatewayState } from '../ipc/index.js';
import { EMPTY_HISTORY, type RestartHistory } from './restart-policy.js';
import type { WorkerHeartbeat, WorkerLastError, WorkerSnapshot } from './types.js';
import type { WorkerHandle } from './worker-handle.js';

/** Why the supervisor is waiting for the current child to exit. */
export type ExitIntent = 'stop' | 'restart' | 'error' | 'replace';

/** The account's current child process, from fork until its exit has been handled. */
export interface LiveProcess {
  readonly handle: WorkerHandle;
  /** No message at all for this long → hung (heartbeat interval × miss threshold). */
  readonly heartbeatTimeoutMs: number;
  /** Consecutive heartbeats reporting an event-loop delay over the cap. */
  laggingBeats: number;
}

/**
 * What the supervisor holds in each state: a process only while there is one, the exit intent
 * only while stopping, the retry time and timer only in backoff.
 */
export type WorkerPhase =
  | { readonly state: 'stopped' | 'crashed' | 'error' }
  /** Queued for a spawn slot or resolving its init; friends sent meanwhile wait here. */
  | { readonly state: 'starting'; readonly process?: undefined; friendsOverride?: string[] }
  /** Forked, not heard from yet. */
  | { readonly state: 'starting'; readonly process: LiveProcess }
  | { readonly state: 'connecting' | 'ready'; readonly process: LiveProcess }
  | { readonly state: 'stopping'; readonly process: LiveProcess; exitIntent: ExitIntent }
  | { readonly state: 'backoff'; readonly retryAt: number; readonly timer: NodeJS.Timeout };

/** What the current (or last) process reported; kept after it exits, for the snapshot. */
export interface RunReport {
  startedAt?: number;
  readyAt?: number;
  gatewayState?: GatewayState;
  lastHeartbeat?: WorkerHeartbeat;
}

/** Everything the supervisor knows about one account, across its successive processes. */
export interface WorkerRecord {
  readonly accountId: string;
  phase: WorkerPhase;
  /** Bumped to cancel a queued spawn or a backoff timer that no longer applies. */
  generation: number;
  restarts: number;
  history: RestartHistory;
  run: RunReport;
  bot?: { botUserId: string; botUsername: string; guildCount: number };
  lastError?: WorkerLastError;
  /** The account's owner, learnt from its init (for the per-owner invalid-request share). */
  owner?: string;
}

export function createRecord(accountId: string): WorkerRecord {
  return { accountId, phase: { state: 'stopped' }, generation: 0, restarts: 0, history: EMPTY_HISTORY, run: {} };
}

/** The current process, in any state that has one. */
export function processOf(rec: WorkerRecord): LiveProcess | undefined {
  return 'process' in rec.phase ? rec.phase.process : undefined;
}

/** A detached copy for events and the API; absent fields are left out, not undefined. */
export function toSnapshot(rec: WorkerRecord): WorkerSnapshot {
  const snapshot: WorkerSnapshot = { accountId: rec.accountId, state: rec.phase.state, restarts: rec.restarts };
  const optional: Omit<WorkerSnapshot, 'accountId' | 'state' | 'restarts'> = {
    pid: processOf(rec)?.handle.pid,
    ...rec.bot,
    // A gateway state is only meaningful while a process holds the connection.
    gatewayState: processOf(rec) === undefined ? undefined : rec.run.gatewayState,
    lastError: rec.lastError && { ...rec.lastError },
    lastHeartbeat: rec.run.lastHeartbeat && { ...rec.run.lastHeartbeat },
    startedAt: rec.run.startedAt,
    readyAt: rec.run.readyAt,
    retryAt: rec.phase.state === 'backoff' ? rec.phase.retryAt : undefined,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (snapshot as unknown as Record<string, unknown>)[key] = value;
  }
  return snapshot;
}
