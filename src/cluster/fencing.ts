/**
 * When a node must stop running an account it holds. A lease renewed by a write sent at `basis`
 * lasts until `basis + leaseMs` in the database; the node itself trusts it only until
 * `basis + renewDeadlineMs`, so its workers are gone before anyone else may take the lease.
 * `basis` is when the write was *sent*: the database may have applied it at any moment after.
 */
export function validUntil(basis: number, renewDeadlineMs: number): number {
  return basis + renewDeadlineMs;
}

/** Whether a lease last confirmed by a write sent at `basis` must be given up at `now`. */
export function mustFence(basis: number, now: number, renewDeadlineMs: number): boolean {
  return now >= validUntil(basis, renewDeadlineMs);
}
