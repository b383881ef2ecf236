import type { Static } from '../common-schemas.js';
import type { AccountLive, AccountStored, AccountView } from '../../services/account-service.js';
import type { WorkerView } from '../../services/worker-control.js';
import { DEFAULT_DELIVERY_MODE } from '../../domain/account.js';
import type { Account, LastError, Worker } from './schemas.js';

const iso = (at: number | Date) => new Date(at).toISOString();

/** The live worker as the API shows it: no pid or other host details, dates as ISO strings. */
export function presentWorker(w: WorkerView): Static<typeof Worker> {
  return {
    state: w.state,
    restarts: w.restarts,
    ...(w.gatewayState !== undefined ? { gatewayState: w.gatewayState } : {}),
    ...(w.guildCount !== undefined ? { guildCount: w.guildCount } : {}),
    ...(w.startedAt !== undefined ? { startedAt: iso(w.startedAt) } : {}),
    ...(w.readyAt !== undefined ? { readyAt: iso(w.readyAt) } : {}),
    ...(w.lastHeartbeat ? { lastHeartbeat: { ...w.lastHeartbeat, at: iso(w.lastHeartbeat.at) } } : {}),
  };
}

export function presentLastError(e: NonNullable<AccountLive['lastError']>): Static<typeof LastError> {
  return { code: e.code, message: e.message, at: iso(e.at) };
}

/** The fields of an account its document decides. */
export function presentStored(a: AccountStored) {
  return {
    id: a.id,
    label: a.label,
    tokenHint: a.tokenHint,
    desiredState: a.desiredState,
    settings: { deliveryMode: DEFAULT_DELIVERY_MODE, ...a.settings },
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  } satisfies Partial<Static<typeof Account>>;
}

/** The fields of an account its worker decides. */
export function presentLive(a: AccountLive) {
  return {
    botUserId: a.botUserId,
    botUsername: a.botUsername,
    state: a.state,
    lastError: a.lastError ? presentLastError(a.lastError) : null,
    worker: a.worker ? presentWorker(a.worker) : null,
    node: a.node,
  } satisfies Partial<Static<typeof Account>>;
}

/** An account as the API returns it. The response schema drops anything not listed as well. */
export function presentAccount(a: AccountView): Static<typeof Account> {
  return { ...presentStored(a), ...presentLive(a) };
}
