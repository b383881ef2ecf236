import { useEffect } from 'preact/hooks';
import { live } from './live.js';
import type { Account, LastError, LiveEvent, WorkerState } from './types.js';

/** Applies a `state` event to an account view, so the page follows the worker without a reload. */
export function applyStateEvent(account: Account, event: LiveEvent): Account {
  if (event.type !== 'state' || event.data.accountId !== account.id) return account;
  const data = event.data as { state: WorkerState; gatewayState?: string; restarts?: number; lastError?: LastError; node?: string };
  return {
    ...account,
    state: data.state,
    lastError: data.lastError ?? (data.state === 'ready' ? null : account.lastError),
    ...(data.node !== undefined ? { node: data.node } : {}),
    worker: account.worker
      ? { ...account.worker, state: data.state, restarts: data.restarts ?? account.worker.restarts, gatewayState: data.gatewayState }
      : { state: data.state, restarts: data.restarts ?? 0, gatewayState: data.gatewayState },
  };
}

/** Calls `listener` with each live event (of the given types) while the component is mounted. */
export function useLiveEvents(types: string[], listener: (event: LiveEvent) => void, deps: unknown[]): void {
  useEffect(
    () =>
      live.subscribe((event) => {
        if (types.includes(event.type)) listener(event);
      }),
    deps,
  );
}
