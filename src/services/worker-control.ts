import type { WorkerState } from '../supervisor/worker-state.js';

/** What account and friend services need from the supervisor (kept narrow for clarity). */
export interface WorkerControl {
  start(accountId: string): Promise<unknown>;
  stop(accountId: string): Promise<unknown>;
  restart(accountId: string): Promise<unknown>;
  /** Stops the worker and forgets the account (it was deleted). */
  remove(accountId: string): Promise<unknown>;
  updateFriends(accountId: string, friends: string[]): void;
  get(accountId: string): WorkerView | undefined;
}

/** The live part of an account as the API shows it. */
export interface WorkerView {
  state: WorkerState;
  pid?: number;
  restarts: number;
  botUserId?: string;
  botUsername?: string;
  guildCount?: number;
  gatewayState?: string;
  startedAt?: number;
  readyAt?: number;
  lastError?: { code: string; message: string; at: number };
  lastHeartbeat?: { rss: number; heapUsed: number; eventLoopLagMs: number; gatewayPingMs: number; at: number };
}
