import type { WorkerState } from '../supervisor/worker-state.js';
import { isFree, type Lease } from './lease.js';

/** What the database says an account should be. */
export interface DesiredAccount {
  desiredState: 'running' | 'stopped';
  /** Grows with every change a worker must hear about (start/stop, settings, friends, token). */
  desiredVersion: number;
  /** Grows when the worker must be replaced (a new token, a restart request). */
  restartVersion: number;
  lease: Lease;
}

/** What this node knows and runs of the account. */
export interface LocalAccount {
  /** This node holds the lease and still trusts it (see fencing). */
  held: boolean;
  /** The versions this node last applied to the worker; undefined when it never ran it. */
  appliedVersion?: number;
  appliedRestartVersion?: number;
  /** The local worker's state; undefined when the supervisor does not know the account. */
  workerState?: WorkerState;
}

export type AccountAction =
  /** Nothing to do. */
  | { do: 'none' }
  /** Take (or re-adopt) the lease, then start the worker. */
  | { do: 'take' }
  /** The lease is held: start the worker (it was not running, or the user started it again). */
  | { do: 'start' }
  /** The lease is held and the worker runs: pass on changed settings and friends; `restart` when it must be replaced. */
  | { do: 'apply'; restart: boolean }
  /** Stopped by the user: stop the worker, then release the lease. */
  | { do: 'stop' }
  /** Another node holds the lease now: stop the worker at once and forget the account. */
  | { do: 'drop' }
  /** The account was deleted: stop and forget the worker, release the lease. */
  | { do: 'remove' };

/** Worker states in which a process runs or is about to. */
const ACTIVE: ReadonlySet<WorkerState> = new Set(['starting', 'connecting', 'ready', 'backoff', 'stopping']);

/**
 * Desired state against actual state for one account on one node: the single decision behind
 * API requests, the owner's poll and the periodic reconcile, so any mismatch (a lost race between
 * start and stop, a change made on another node) ends the same way.
 *
 * `mayTake`: this node may take a free lease now (under its fair share, or the user asked this
 * node to start it).
 */
export function decideAccount(
  desired: DesiredAccount | null,
  local: LocalAccount,
  node: string,
  now: number,
  mayTake: boolean,
): AccountAction {
  const active = local.workerState !== undefined && ACTIVE.has(local.workerState);
  if (desired === null) return local.held || local.workerState !== undefined ? { do: 'remove' } : { do: 'none' };
  const ownerIsMe = desired.lease.owner === node;
  if (!ownerIsMe && !isFree(desired.lease, now)) {
    return local.held || active ? { do: 'drop' } : { do: 'none' };
  }
  if (desired.desiredState === 'stopped') {
    return local.held || active || ownerIsMe ? { do: 'stop' } : { do: 'none' };
  }
  if (!local.held) {
    // Ours in the database but not trusted here (after fencing, or a restart with the same
    // NODE_ID), or free: take it when allowed.
    if (ownerIsMe || mayTake) return { do: 'take' };
    return active ? { do: 'drop' } : { do: 'none' };
  }
  const changed = local.appliedVersion !== desired.desiredVersion;
  if (!active) {
    // `stopped`: nothing runs although it should (heals the start/stop race). `crashed` and
    // `error` rest until the user changes something, which raises the version.
    return local.workerState === undefined || local.workerState === 'stopped' || changed ? { do: 'start' } : { do: 'none' };
  }
  if (!changed) return { do: 'none' };
  return { do: 'apply', restart: local.appliedRestartVersion !== desired.restartVersion };
}
