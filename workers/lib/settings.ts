import { WORKER_SETTINGS_DEFAULTS, type WorkerInitSettings } from '../../src/domain/worker-settings.js';

/** The worker's timings; `init.settings` overrides the shared three. */
export interface WorkerSettings extends WorkerInitSettings {
  /** Exit when no `init` arrives within this long after start. @defaultValue 10000 */
  initTimeoutMs: number;
  /** Wait at most this long for discord.js to close the gateway on shutdown. @defaultValue 2000 */
  destroyTimeoutMs: number;
}

export const WORKER_DEFAULTS = {
  ...WORKER_SETTINGS_DEFAULTS,
  initTimeoutMs: 10_000,
  destroyTimeoutMs: 2_000,
} as const satisfies WorkerSettings;

const isPositive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/** The settings an `init` asks for, each missing or nonsensical one replaced by its default. */
export function resolveSettings(given: Partial<Record<keyof WorkerInitSettings, unknown>>): WorkerSettings {
  const pick = (key: Exclude<keyof WorkerInitSettings, 'leaseValidForMs'>): number => {
    const value = given[key];
    return isPositive(value) ? value : WORKER_DEFAULTS[key];
  };
  const lease = given.leaseValidForMs;
  return {
    ...WORKER_DEFAULTS,
    heartbeatIntervalMs: pick('heartbeatIntervalMs'),
    loginTimeoutMs: pick('loginTimeoutMs'),
    deliveryTimeoutMs: pick('deliveryTimeoutMs'),
    // Zero or less: already expired, so the worker never connects.
    ...(typeof lease === 'number' && Number.isFinite(lease) ? { leaseValidForMs: lease } : {}),
  };
}
