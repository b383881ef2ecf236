import type { WorkerState } from '../supervisor/worker-state.js';

/** What the coordinator needs of the local supervisor. */
export interface LocalWorkers {
  start(accountId: string): Promise<unknown>;
  /** With `keepSession`, the gateway session stays resumable for the account's next owner. */
  stop(accountId: string, opts?: { keepSession?: boolean }): Promise<unknown>;
  restart(accountId: string): Promise<unknown>;
  remove(accountId: string): Promise<unknown>;
  get(accountId: string): { state: WorkerState } | undefined;
  list(): Array<{ accountId: string; state: WorkerState }>;
  close(): Promise<void>;
}

export interface CoordinatorHooks {
  /** Settings or friends of an account this node runs changed: reload caches, tell the worker. */
  changed(accountId: string): Promise<void>;
  /** Stores every activity event received so far (before a lease is let go). */
  flush(): Promise<void>;
  /** Waits for deliveries in progress (graceful stop). */
  drain(): Promise<void>;
  /**
   * Before leases are let go: saves the stopped workers' gateway sessions where the next owner
   * reads them, so it resumes instead of identifying (events stored first: see `flush`). This
   * node forgets them: it must never resume a session another node has continued since.
   */
  handOver?(accountIds: string[]): Promise<void>;
  /** After a renewal: how long the lease is trusted, for each held account whose worker is due a keepalive (`keepaliveDue`). */
  keepalive?(validForMs: Map<string, number>): void;
}

export interface ClusterCounters {
  /** Leases taken (the owner changed to this node). */
  takes: number;
  /** Of those, taken over from another node whose lease had expired (failover). */
  takeovers: number;
  /** Leases let go to another node to even out the shares. */
  handOffs: number;
  /** Leases released because the account stopped, or at shutdown. */
  releases: number;
  /** Workers stopped because another node holds their lease now. */
  lost: number;
  /** Workers stopped because the renew deadline passed (fencing). */
  fencingStops: number;
  /** Renewal writes that failed. */
  renewFailures: number;
}
