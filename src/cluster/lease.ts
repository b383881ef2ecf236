/**
 * An account's lease as the database stores it: which node may run the account's worker, until
 * when, and a fencing `epoch` that grows by one each time the owner changes. These are the
 * decisions; `LeaseRepository` makes the same ones atomically in the database.
 */
export interface Lease {
  owner: string | null;
  /** Epoch ms; null when released or never taken. */
  expiresAt: number | null;
  epoch: number;
}

export const NO_LEASE: Lease = { owner: null, expiresAt: null, epoch: 0 };

/** Whether `node` holds the lease at `now`. */
export function isHeldBy(lease: Lease, node: string, now: number): boolean {
  return lease.owner === node && lease.expiresAt !== null && lease.expiresAt > now;
}

/** Whether nobody holds the lease at `now`: released, never taken, or expired. */
export function isFree(lease: Lease, now: number): boolean {
  return lease.owner === null || lease.expiresAt === null || lease.expiresAt <= now;
}

/** The lease after `node` tries to take it at `now`, or undefined when another node holds it. */
export function take(lease: Lease, node: string, now: number, leaseMs: number): Lease | undefined {
  if (lease.owner === node) return { ...lease, expiresAt: now + leaseMs };
  if (!isFree(lease, now)) return undefined;
  return { owner: node, expiresAt: now + leaseMs, epoch: lease.epoch + 1 };
}

/**
 * The lease after `node` renews it at `now`, or undefined when it is no longer the owner. An
 * expired lease nobody else took is still the owner's to renew: nobody can have run the account
 * meanwhile, since taking it would have made them the owner.
 */
export function renew(lease: Lease, node: string, now: number, leaseMs: number): Lease | undefined {
  return lease.owner === node ? { ...lease, expiresAt: now + leaseMs } : undefined;
}

/** The lease after its owner lets it go (the epoch stays: the next owner raises it). */
export function release(lease: Lease, node: string): Lease {
  return lease.owner === node ? { ...lease, owner: null, expiresAt: null } : lease;
}
