/**
 * The timings a worker runs with, defined once for both sides: the supervisor sends them in
 * `init.settings`, and the worker falls back to the same values for any it does not get.
 * No runtime imports here: the worker bundle includes this file.
 */
export interface WorkerInitSettings {
  /** Interval between `heartbeat` messages. */
  heartbeatIntervalMs: number;
  /** Give up on `login()` after this long (discord.js retries an unreachable gateway forever). */
  loginTimeoutMs: number;
  /** Give up on one delivery after this long (discord.js retries 429s forever). */
  deliveryTimeoutMs: number;
  /**
   * Lease keepalive (fencing): the worker closes its Discord connection and exits unless a `lease`
   * message extends this within the time. Absent: no keepalive (a supervisor without a cluster).
   */
  leaseValidForMs?: number;
}

export const WORKER_SETTINGS_DEFAULTS = {
  heartbeatIntervalMs: 2_000,
  loginTimeoutMs: 60_000,
  deliveryTimeoutMs: 10_000,
} as const satisfies WorkerInitSettings;
