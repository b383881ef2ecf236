import type { WorkerSnapshot } from '../supervisor/index.js';

/**
 * What account and friend services need of the workers (kept narrow for clarity). Any node may
 * serve a request: services write the desired state, then `apply` brings the worker in line on
 * this node, and the node running the account picks the change up from the database.
 */
export interface WorkerControl {
  /** Throws ILLEGAL_TRANSITION (409) while this node's worker for the account is still stopping. */
  assertStartable(accountId: string): void;
  /** Acts on what the database now says of the account; `startRequested`: the user started it here. */
  apply(accountId: string, opts?: { startRequested?: boolean }): Promise<void>;
  /** Waits (bounded) until no node runs the account any more. */
  awaitStopped(accountId: string): Promise<void>;
  /** The lease this node holds on the account, for writes conditional on it. */
  lease(accountId: string): { owner: string; epoch: number } | undefined;
  /** This node's NODE_ID. */
  readonly nodeId: string;
  get(accountId: string): WorkerView | undefined;
}

/** The live part of an account: the supervisor's snapshot without the id the caller already has. */
export type WorkerView = Omit<WorkerSnapshot, 'accountId'>;
