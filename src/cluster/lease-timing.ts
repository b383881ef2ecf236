/**
 * How long a lease lasts and how often it is renewed. The defaults are those of Kubernetes'
 * leader election (client-go): a 15 s lease, renewed every 2 s, given up 10 s after the last
 * renewal that succeeded.
 */
export interface LeaseTiming {
  /** A lease not renewed for this long may be taken by another node (LEASE_MS). */
  leaseMs: number;
  /** How often a node renews all its leases in one write (LEASE_RENEW_MS). */
  renewMs: number;
  /**
   * A node whose last successful renewal is older than this stops its workers, and each worker
   * closes its Discord connection by itself (LEASE_RENEW_DEADLINE_MS).
   */
  renewDeadlineMs: number;
}

export const LEASE_DEFAULTS: LeaseTiming = { leaseMs: 15_000, renewMs: 2_000, renewDeadlineMs: 10_000 };

/**
 * Why a timing is unsafe, or undefined when it is safe. A node checks its deadline once per
 * renew period, so it stops its workers at the latest one period after the deadline: that must
 * still come before the lease can expire and another node may connect the same bots.
 */
export function leaseTimingProblem(t: LeaseTiming): string | undefined {
  if (!(t.renewMs > 0 && t.renewDeadlineMs > 0 && t.leaseMs > 0)) return 'lease times must be positive';
  if (t.renewDeadlineMs <= t.renewMs) {
    return `LEASE_RENEW_DEADLINE_MS (${t.renewDeadlineMs}) must be longer than LEASE_RENEW_MS (${t.renewMs})`;
  }
  if (t.renewDeadlineMs + t.renewMs >= t.leaseMs) {
    return `LEASE_RENEW_DEADLINE_MS + LEASE_RENEW_MS (${t.renewDeadlineMs} + ${t.renewMs}) must be shorter than LEASE_MS (${t.leaseMs})`;
  }
  return undefined;
}
