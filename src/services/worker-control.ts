import type { WorkerSnapshot } from '../supervisor/index.js';

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

/** The live part of an account: the supervisor's snapshot without the id the caller already has. */
export type WorkerView = Omit<WorkerSnapshot, 'accountId'>;
