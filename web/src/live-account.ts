import { useEffect } from 'preact/hooks';
import { live } from './live.js';
import type { Account, LiveEvent, LiveEventType } from './types.js';

/** Applies a `state` event to an account view, so the page follows the worker without a reload. */
export function applyStateEvent(account: Account, event: LiveEvent<'state'>): Account {
  const { data } = event;
  if (data.accountId !== account.id) return account;
  // The stream says when in epoch ms; the account's answer, as an ISO date.
  const lastError = data.lastError && { ...data.lastError, at: new Date(data.lastError.at).toISOString() };
  return {
    ...account,
    state: data.state,
    lastError: lastError ?? (data.state === 'ready' ? null : account.lastError),
    ...(data.node !== undefined ? { node: data.node } : {}),
    worker: account.worker
      ? { ...account.worker, state: data.state, restarts: data.restarts, gatewayState: data.gatewayState }
      : { state: data.state, restarts: data.restarts, gatewayState: data.gatewayState },
  };
}

function isOneOf<T extends LiveEventType>(event: LiveEvent, types: readonly T[]): event is LiveEvent<T> {
  return (types as readonly LiveEventType[]).includes(event.type);
}

/** Calls `listener` with each live event (of the given types) while the component is mounted. */
export function useLiveEvents<T extends LiveEventType>(types: readonly T[], listener: (event: LiveEvent<T>) => void, deps: unknown[]): void {
  useEffect(
    () =>
      live.subscribe((event) => {
        if (isOneOf(event, types)) listener(event);
      }),
    deps,
  );
}
