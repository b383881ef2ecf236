import type { FastifyBaseLogger } from 'fastify';
import type { ClusterCounters, LocalWorkers } from './coordinator-ports.js';
import { mustFence, validUntil } from './fencing.js';
import type { LeaseRepository } from './lease-repository.js';

/** A lease this node holds, and what it applied of the account. */
export interface Held {
  epoch: number;
  /** When the last write that extended the lease was sent (see fencing.ts). */
  basis: number;
  appliedVersion: number;
  appliedRestartVersion: number;
  /**
   * Until when the account's worker was last told its lease holds (keepalive). Its worker keeps
   * at least that long (a worker started later is told more at init), so it is a safe lower bound.
   */
  toldUntil?: number;
}

export interface HeldLeasesOptions {
  me: string;
  renewDeadlineMs: number;
  renewMs: number;
  leases: LeaseRepository;
  workers: Pick<LocalWorkers, 'stop'>;
  /** After a renewal: how long each renewed lease is trusted, for the workers due a keepalive. */
  keepalive: (validForMs: Map<string, number>) => void;
  counters: ClusterCounters;
  logger: FastifyBaseLogger;
  now: () => number;
  /** A renewal matched fewer leases than asked: the desired-state poll should look now. */
  onLost: () => void;
}

/**
 * The leases this node holds: whether it still trusts each one, the renewal of all of them in
 * one write, and fencing layer 1 (stop the workers of leases past the renew deadline).
 */
export class HeldLeases extends Map<string, Held> {
  readonly #o: HeldLeasesOptions;

  constructor(options: HeldLeasesOptions) {
    super();
    this.#o = options;
  }

  /** Whether this node holds the account's lease and still trusts it (writes and sends check this). */
  trusts(accountId: string): boolean {
    const h = this.get(accountId);
    return h !== undefined && !mustFence(h.basis, this.#o.now(), this.#o.renewDeadlineMs);
  }

  /** How much longer this node trusts the account's lease, in ms (0 when it does not hold it). */
  validForMs(accountId: string): number {
    const h = this.get(accountId);
    return h ? Math.max(0, validUntil(h.basis, this.#o.renewDeadlineMs) - this.#o.now()) : 0;
  }

  /**
   * Renews every lease in one write, then tells the workers whose last keepalive runs out soon
   * how long theirs hold (see `keepaliveDue`).
   */
  async renew(): Promise<void> {
    const ids = [...this.keys()];
    if (ids.length === 0) return;
    const { leases, now, me } = this.#o;
    const sentAt = now();
    let matched: number;
    try {
      matched = await leases.renew(ids, sentAt);
    } catch (err) {
      this.#o.counters.renewFailures += 1;
      throw err;
    }
    // Fewer than asked: some were lost or deleted. Extend only those still ours; the poll
    // reconciles the others.
    const confirmed = matched === ids.length ? undefined : await leases.watched();
    if (confirmed) this.#o.onLost();
    const keepalive = new Map<string, number>();
    for (const id of ids) {
      const h = this.get(id);
      if (!h || (confirmed && confirmed.get(id)?.lease.owner !== me)) continue;
      h.basis = Math.max(h.basis, sentAt);
      const at = now();
      if (!keepaliveDue(h.toldUntil ?? 0, at, this.#o)) continue;
      const until = validUntil(h.basis, this.#o.renewDeadlineMs);
      h.toldUntil = until;
      keepalive.set(id, until - at);
    }
    this.#o.keepalive(keepalive);
  }

  /** Fencing, layer 1: past the renew deadline, stop the workers before anyone else may start them. */
  fenceExpired(): void {
    const now = this.#o.now();
    const expired = [...this].filter(([, h]) => mustFence(h.basis, now, this.#o.renewDeadlineMs));
    if (expired.length === 0) return;
    const { logger: log, counters, workers } = this.#o;
    const oldest = Math.min(...expired.map(([, h]) => h.basis));
    log.error({ accounts: expired.length, sinceRenewMs: now - oldest }, 'renew deadline missed: stopping workers (fencing)');
    counters.fencingStops += expired.length;
    for (const [id] of expired) {
      this.delete(id);
      // Not queued behind a reconcile that may be waiting on the unreachable database.
      workers.stop(id).catch((err: unknown) => log.warn({ err, accountId: id }, 'fencing stop failed'));
    }
  }
}

/**
 * Whether a worker told its lease holds until `toldUntil` must be told again after this renewal.
 * Not after every one: each keepalive is an IPC write that wakes the worker, and a renewal every
 * LEASE_RENEW_MS would send one per account every 2 s. A worker is told again once what it was
 * told runs out within `renewDeadlineMs - 1.5 * renewMs` (7 s by default, so every other
 * renewal), and never later than 1.5 renew periods before it runs out. So a worker keeps at least
 * half a period of margin at the next renewal, and stops by itself at most about one renew period
 * before its node would (the node's own deadline counts from its latest renewal) — on the safe side.
 */
export function keepaliveDue(toldUntil: number, now: number, timing: { renewMs: number; renewDeadlineMs: number }): boolean {
  const { renewMs, renewDeadlineMs } = timing;
  return toldUntil - now <= Math.max(renewDeadlineMs - 1.5 * renewMs, 1.5 * renewMs);
}
