import type { FastifyBaseLogger } from 'fastify';
import type { AccountAction, DesiredAccount } from './account-decision.js';
import type { ClusterCounters, CoordinatorHooks, LocalWorkers } from './coordinator-ports.js';
import type { Held, HeldLeases } from './held-leases.js';
import type { LeaseRepository } from './lease-repository.js';

export interface AccountActionsOptions {
  me: string;
  held: HeldLeases;
  leases: LeaseRepository;
  workers: LocalWorkers;
  hooks: CoordinatorHooks;
  counters: ClusterCounters;
  logger: FastifyBaseLogger;
  now: () => number;
  /** A lease was taken (the coordinator stops counting the account as free). */
  onTaken: (accountId: string) => void;
}

/**
 * What a node does to one account once `decideAccount` has spoken: take the lease and start the
 * worker, pass on changes, stop it and release the lease, hand it over with its gateway session.
 * The coordinator serialises calls per account.
 */
export class AccountActions {
  readonly #o: AccountActionsOptions;
  /** Takes sent and not answered yet (they count against the fair share). */
  pendingTakes = 0;

  constructor(options: AccountActionsOptions) {
    this.#o = options;
  }

  async act(accountId: string, action: AccountAction, desired: DesiredAccount | null): Promise<void> {
    const log = this.#o.logger.child({ accountId });
    const h = this.#o.held.get(accountId);
    switch (action.do) {
      case 'none':
        return;
      case 'take':
        return this.#take(accountId, desired as DesiredAccount);
      case 'start':
        this.#applied(h, desired as DesiredAccount);
        await this.#o.hooks.changed(accountId);
        await this.#startWorker(accountId);
        return;
      case 'apply':
        this.#applied(h, desired as DesiredAccount);
        await this.#o.hooks.changed(accountId);
        if (action.restart) await this.#o.workers.restart(accountId);
        return;
      case 'stop':
        await this.#o.workers.stop(accountId);
        await this.#letGo(accountId);
        this.#o.counters.releases += 1;
        log.info('account stopped; lease released');
        return;
      case 'drop':
        this.#o.held.delete(accountId);
        this.#o.counters.lost += 1;
        log.warn({ owner: desired?.lease.owner }, 'lease held by another node; worker stopped');
        await this.#o.workers.stop(accountId);
        return;
      case 'remove':
        await this.#o.workers.remove(accountId);
        await this.#letGo(accountId);
        return;
    }
  }

  async #take(accountId: string, desired: DesiredAccount): Promise<void> {
    this.pendingTakes += 1;
    try {
      const sentAt = this.#o.now();
      const lease = await this.#o.leases.take(accountId, sentAt);
      if (!lease) return;
      this.#o.held.set(accountId, {
        epoch: lease.epoch,
        basis: sentAt,
        appliedVersion: desired.desiredVersion,
        appliedRestartVersion: desired.restartVersion,
      });
      const from = desired.lease.owner;
      if (from !== this.#o.me) {
        this.#o.counters.takes += 1;
        if (from !== null) this.#o.counters.takeovers += 1;
      }
      this.#o.onTaken(accountId);
      this.#o.logger.info({ accountId, epoch: lease.epoch, from }, from === this.#o.me ? 'lease adopted' : 'lease taken');
    } finally {
      this.pendingTakes -= 1;
    }
    await this.#o.hooks.changed(accountId);
    await this.#startWorker(accountId);
  }

  /** Starts the worker; one still stopping (a hand-off back, a quick stop and start) is awaited first. */
  async #startWorker(accountId: string): Promise<void> {
    if (this.#o.workers.get(accountId)?.state === 'stopping') await this.#o.workers.stop(accountId);
    await this.#o.workers.start(accountId);
  }

  #applied(h: Held | undefined, desired: DesiredAccount): void {
    if (!h) return;
    h.appliedVersion = desired.desiredVersion;
    h.appliedRestartVersion = desired.restartVersion;
  }

  /**
   * Stores what the account's worker reported (and, handing over, its gateway session), then
   * releases the lease.
   */
  async #letGo(accountId: string, opts: { handOver?: boolean } = {}): Promise<void> {
    if (!this.#o.held.has(accountId)) {
      await this.#o.leases.release([accountId]);
      return;
    }
    await this.#o.hooks.flush();
    if (opts.handOver) await this.#o.hooks.handOver?.([accountId]);
    this.#o.held.delete(accountId);
    await this.#o.leases.release([accountId]);
  }

  /** Stops the worker keeping its gateway session resumable, then lets the account go with it. */
  async handOff(accountId: string): Promise<void> {
    await this.#o.workers.stop(accountId, { keepSession: true });
    await this.#letGo(accountId, { handOver: true });
  }
}
