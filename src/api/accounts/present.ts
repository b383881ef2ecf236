import type { Static } from '../common-schemas.js';
import type { AccountView } from '../../services/account-service.js';
import type { WorkerView } from '../../services/worker-control.js';
import { DEFAULT_DELIVERY_MODE } from '../../domain/account.js';
import type { Account, Worker } from './schemas.js';

const iso = (at: number | Date) => new Date(at).toISOString();

/** The live worker as the API shows it: no pid or other host details, dates as ISO strings. */
function presentWorker(w: WorkerView): Static<typeof Worker> {
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

/** An account as the API returns it. The response schema drops anything not listed as well. */
export function presentAccount(a: AccountView): Static<typeof Account> {
  return {
    id: a.id,
    label: a.label,
    tokenHint: a.tokenHint,
    botUserId: a.botUserId,
    botUsername: a.botUsername,
    desiredState: a.desiredState,
    state: a.state,
    lastError: a.lastError ? { code: a.lastError.code, message: a.lastError.message, at: iso(a.lastError.at) } : null,
    settings: { deliveryMode: DEFAULT_DELIVERY_MODE, ...a.settings },
    worker: a.worker ? presentWorker(a.worker) : null,
    node: a.node,
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  };
}
