import type { FastifyBaseLogger } from 'fastify';
import { AccountActions } from './account-actions.js';
import { type DesiredAccount, decideAccount, type LocalAccount } from './account-decision.js';
import type { ClusterConfig } from './cluster-config.js';
import { fairShare, fairShares } from './fair-share.js';
import { DesiredStateFeed, type DesiredStateFeedOptions } from './desired-state-feed.js';
import { HeldLeases } from './held-leases.js';
import type { LeaseRepository } from './lease-repository.js';
import type { NodeInfo, NodeRegistry } from './node-registry.js';
import { planPlacement } from './placement.js';
import { SerialByKey } from './serial-by-key.js';
import type { ClusterCounters, CoordinatorHooks, LocalWorkers } from './coordinator-ports.js';

export type { ClusterCounters, CoordinatorHooks, LocalWorkers } from './coordinator-ports.js';

export interface ClusterCoordinatorOptions {
  config: ClusterConfig;
  leases: LeaseRepository;
  registry: NodeRegistry;
  workers: LocalWorkers;
  hooks: CoordinatorHooks;
  logger: FastifyBaseLogger;
  /**
   * The store was started by this process and nobody else can reach it: leases of other owners
   * are left from earlier runs, and every desired-state change is made (and reconciled) here.
   */
  exclusiveStore: boolean;
  /**
   * The owner's poll of desired state. @defaultValue 500 (changes reach the owner within 1 s).
   * With `exclusiveStore` it runs once per renew period at most often (only this process writes).
   */
  pollMs?: number;
  /** The accounts collection to watch for desired-state changes (change streams); absent: poll only. */
  changes?: DesiredStateFeedOptions['collection'];
  /** The safety poll while the change stream runs. @defaultValue 5000 */
  safetyPollMs?: number;
  /** Accounts shed per renew period when over the fair share. @defaultValue 2 */
  maxShedPerPeriod?: number;
  now?: () => number;
}

/**
 * One node of the cluster: heartbeats, renews all its leases in one write per period, takes free
 * accounts up to its fair share and sheds a few when over it, applies desired state written by
 * any node (polled), and fences itself when it cannot renew in time. Every change to an account
 * goes through `reconcile`, serialised per account, which compares the database with what runs here.
 */
export class ClusterCoordinator {
  readonly #o: ClusterCoordinatorOptions;
  readonly #log: FastifyBaseLogger;
  readonly #me: string;
  readonly #now: () => number;
  readonly #held: HeldLeases;
  readonly #actions: AccountActions;
  readonly #serial = new SerialByKey();
  readonly #counters: ClusterCounters = { takes: 0, takeovers: 0, handOffs: 0, releases: 0, lost: 0, fencingStops: 0, renewFailures: 0 };
  #nodes: NodeInfo[] = [];
  #running = 0;
  #share = Infinity;
  #free = new Set<string>();
  /** Free accounts the poll last refreshed the fair share for (see `#poll`). */
  #freeSeen = new Set<string>();
  /** Placement and the poll: they stop first on close. Renewal and fencing go on until every lease is let go. */
  #roundTimers: NodeJS.Timeout[] = [];
  #timers: NodeJS.Timeout[] = [];
  #renewing: Promise<void> | undefined;
  #feed: DesiredStateFeed | undefined;
  #placing = false;
  #polling = false;
  #joined = false;
  #closed = false;

  constructor(options: ClusterCoordinatorOptions) {
    this.#o = options;
    this.#me = options.config.nodeId;
    this.#log = options.logger;
    this.#now = options.now ?? Date.now;
    this.#held = new HeldLeases({
      me: this.#me,
      renewDeadlineMs: options.config.timing.renewDeadlineMs,
      renewMs: options.config.timing.renewMs,
      leases: options.leases,
      workers: options.workers,
      keepalive: (validForMs) => options.hooks.keepalive?.(validForMs),
      counters: this.#counters,
      logger: this.#log,
      now: this.#now,
      onLost: () => void this.#poll(),
    });
    this.#actions = new AccountActions({
      ...options,
      me: this.#me,
      held: this.#held,
      counters: this.#counters,
      now: this.#now,
      onTaken: (accountId) => this.#free.delete(accountId),
    });
  }

  get nodeId(): string {
    return this.#me;
  }

  get counters(): Readonly<ClusterCounters> {
    return this.#counters;
  }

  /** Joins the cluster: takes what it should, then keeps renewing, polling and checking its deadline. */
  async join(): Promise<void> {
    const { timing, capacity } = this.#o.config;
    if (this.#o.exclusiveStore) {
      const freed = await this.#o.leases.releaseOthers();
      if (freed > 0) this.#log.info({ freed }, 'leases of an earlier run released (this server started its own store)');
    }
    await this.#o.registry.prune(this.#now());
    this.#joined = true;
    this.#log.info({ nodeId: this.#me, ...timing, capacity: Number.isFinite(capacity) ? capacity : null }, 'joined the cluster');
    const every = (ms: number, fn: () => unknown, list = this.#timers) => {
      const t = setInterval(fn, ms);
      t.unref();
      list.push(t);
    };
    // Renewal has its own timer: placement (which waits for workers to stop and start) can take
    // longer than a period on a busy machine, and a renewal queued behind it would miss the
    // deadline and make this node fence itself.
    every(timing.renewMs, () => void this.#renewRound());
    every(timing.renewMs, () => void this.#placeRound(), this.#roundTimers);
    // Separate from the renewal, which may hang on an unreachable database.
    every(Math.max(10, Math.min(500, timing.renewMs / 2)), () => this.#held.fenceExpired());
    // The timers run from here on, so renewals go on while the first placement starts workers.
    await this.#renewRound();
    await this.#placeRound();
    await this.#poll();
    if (this.#closed) return;
    // A store nobody else can reach: every desired-state change is made by this process, which
    // reconciles it at once (API → `reconcile`). The poll only catches up with what this node
    // did not finish itself (a take after fencing, a failed reconcile): once per renew period,
    // not a query of every account twice a second.
    const exclusive = this.#o.exclusiveStore;
    const pollMs = this.#o.pollMs ?? 500;
    this.#feed = new DesiredStateFeed({
      ...(this.#o.changes && !exclusive && { collection: this.#o.changes }),
      poll: () => this.#poll(),
      pollMs: exclusive ? Math.max(pollMs, timing.renewMs) : pollMs,
      safetyPollMs: this.#o.safetyPollMs ?? 5_000,
      logger: this.#log,
      now: this.#now,
    });
    await this.#feed.start();
  }

  /** How this node learns of desired-state changes made elsewhere. */
  get desiredStateSource(): 'change-stream' | 'poll' {
    return this.#feed?.mode ?? 'poll';
  }

  /** Whether this node holds the account's lease and still trusts it (writes and sends check this). */
  holds(accountId: string): boolean {
    return this.#held.trusts(accountId);
  }

  /** How much longer this node trusts the account's lease, in ms (0 when it does not hold it). */
  validForMs(accountId: string): number {
    return this.#held.validForMs(accountId);
  }

  /** The lease this node holds for conditional writes, or undefined. */
  lease(accountId: string): { owner: string; epoch: number } | undefined {
    const h = this.#held.get(accountId);
    return h && this.holds(accountId) ? { owner: this.#me, epoch: h.epoch } : undefined;
  }

  /** Live nodes as of the last heartbeat round, this node first, with its own count up to date. */
  async nodes(): Promise<NodeInfo[]> {
    const nodes = await this.#o.registry.live(this.#now());
    return nodes.map((n) => (n.id === this.#me ? { ...n, accounts: this.#held.size } : n));
  }

  /**
   * Brings one account in line with the database: desired state, lease and versions. Serialised
   * per account, so concurrent requests (start and stop at once) end in the state written last.
   * Before `join()` (one-shot scripts) it does nothing: the database write was the request.
   */
  reconcile(accountId: string, opts: { startRequested?: boolean } = {}): Promise<void> {
    if (!this.#joined || this.#closed) return Promise.resolve();
    return this.#serial.run(accountId, async () => {
      if (this.#closed) return;
      const desired = await this.#o.leases.desired(accountId);
      const mayTake = this.#mayTake(opts.startRequested === true);
      const action = decideAccount(desired, this.#local(accountId), this.#me, this.#now(), mayTake);
      await this.#actions.act(accountId, action, desired);
    });
  }

  /** Resolves once no node holds the account's lease (a stop served by another node), or after `timeoutMs`. */
  async awaitReleased(accountId: string, timeoutMs: number): Promise<boolean> {
    const until = this.#now() + timeoutMs;
    for (;;) {
      const desired = await this.#o.leases.desired(accountId);
      if (!desired || desired.lease.owner === null || desired.lease.owner === this.#me) return true;
      if (desired.lease.expiresAt !== null && desired.lease.expiresAt <= this.#now()) return true;
      if (this.#now() >= until) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Graceful stop. The node first leaves the membership (the others' fair shares stop counting
   * it), then stops every worker at once and lets each account go as soon as its own worker has
   * stopped: events stored, session saved for the next owner, lease released. The others take
   * each one on their next poll, so an account waits for its own worker only, not for the slowest.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#roundTimers) clearInterval(t);
    await this.#feed?.close();
    if (this.#joined) {
      // A heartbeat already on its way would bring the node document back after leaving.
      await this.#renewing;
      await this.#o.registry.leave().catch((err: unknown) => this.#log.warn({ err }, 'node document not removed; it ages out'));
      const ids = [...this.#held.keys()];
      // Not queued behind a reconcile that may wait on a start or the database: a worker started
      // after the lease is let go is refused (the supervisor's init checks `holds`).
      const results = await Promise.allSettled(ids.map((id) => this.#actions.handOff(id)));
      const failed = results.filter((r) => r.status === 'rejected');
      this.#counters.releases += ids.length - failed.length;
      if (failed.length > 0) {
        this.#log.warn({ err: (failed[0] as PromiseRejectedResult).reason, leases: failed.length }, 'leases not released at shutdown; they expire by themselves');
      }
      this.#log.info({ released: ids.length - failed.length }, 'left the cluster: leases released');
    }
    for (const t of this.#timers) clearInterval(t);
    // Workers of accounts no longer held (being dropped or fenced), then what they sent.
    await this.#o.workers.close();
    await this.#o.hooks.flush();
    await this.#o.hooks.drain();
  }

  // ─── acting on one account ──────────────────────────────────────────────────────────────────

  #local(accountId: string): LocalAccount {
    const h = this.#held.get(accountId);
    const workerState = this.#o.workers.get(accountId)?.state;
    return {
      held: this.holds(accountId),
      ...(h ? { appliedVersion: h.appliedVersion, appliedRestartVersion: h.appliedRestartVersion } : {}),
      ...(workerState === undefined ? {} : { workerState }),
    };
  }

  #mayTake(startRequested: boolean): boolean {
    if (this.#closed) return false;
    const share = startRequested ? fairShare(this.#running + 1, this.#liveNodes(), this.#me) : this.#share;
    return this.#held.size + this.#actions.pendingTakes < share;
  }

  // ─── periodic work ──────────────────────────────────────────────────────────────────────────

  #liveNodes(): NodeInfo[] {
    if (this.#nodes.some((n) => n.id === this.#me)) return this.#nodes;
    const self: NodeInfo = { id: this.#me, capacity: this.#o.config.capacity, accounts: this.#held.size, heartbeatAt: 0, version: '', startedAt: 0 };
    return [self, ...this.#nodes];
  }

  /**
   * Once per renew period, never behind placement: renew every lease (one write), heartbeat.
   * Closing, it renews what is not let go yet, and sends no heartbeat (the node has left).
   */
  #renewRound(): Promise<void> {
    this.#renewing ??= (async () => {
      try {
        await this.#held.renew();
        if (!this.#closed) await this.#o.registry.heartbeat(this.#now(), this.#held.size);
      } catch (err) {
        this.#log.warn({ err }, 'lease renewal failed; retrying next period');
      } finally {
        this.#renewing = undefined;
      }
    })();
    return this.#renewing;
  }

  /** Live nodes, running accounts and this node's fair share, from the database. */
  async #refreshShare(now: number): Promise<void> {
    this.#nodes = await this.#o.registry.live(now);
    this.#running = await this.#o.leases.countRunning();
    this.#share = fairShares(this.#running, this.#liveNodes()).get(this.#me) ?? 0;
  }

  /** Once per renew period (skipped while the last one still runs): membership, placement. */
  async #placeRound(): Promise<void> {
    if (this.#placing || this.#closed) return;
    this.#placing = true;
    try {
      const now = this.#now();
      await this.#refreshShare(now);
      await this.#place(now);
    } catch (err) {
      this.#log.warn({ err }, 'placement round failed; retrying next period');
    } finally {
      this.#placing = false;
    }
  }

  async #place(now: number): Promise<void> {
    const nodes = this.#liveNodes();
    const shares = fairShares(this.#running, nodes);
    const owned = [...this.#held.keys()].map((accountId) => ({ accountId, ready: this.#o.workers.get(accountId)?.state === 'ready' }));
    const room = this.#share - owned.length;
    const free = room > 0 ? [...new Set([...this.#free, ...(await this.#o.leases.expired(now, room))])] : [];
    const roomElsewhere = this.#free.size === 0 && nodes.some((n) => n.id !== this.#me && n.accounts < (shares.get(n.id) ?? 0));
    const plan = planPlacement({ share: this.#share, owned, free, roomElsewhere, maxShedPerPeriod: this.#o.maxShedPerPeriod ?? 2 });
    await Promise.all(plan.take.map((id) => this.reconcile(id)));
    if (plan.shed.length > 0) {
      this.#log.info({ shed: plan.shed.length, held: owned.length, share: this.#share }, 'over the fair share: handing accounts off');
    }
    await Promise.all(plan.shed.map((id) => this.#shed(id)));
  }

  #shed(accountId: string): Promise<void> {
    return this.#serial.run(accountId, async () => {
      if (!this.#held.has(accountId)) return;
      await this.#actions.handOff(accountId);
      this.#counters.handOffs += 1;
      this.#log.info({ accountId }, 'lease handed off');
    });
  }

  /**
   * The owner's poll: one indexed query for this node's accounts and the free running ones; any
   * account whose desired state, version or lease disagrees with what runs here is reconciled.
   */
  async #poll(): Promise<Map<string, DesiredAccount> | undefined> {
    if (this.#polling || this.#closed) return undefined;
    this.#polling = true;
    try {
      const watched = await this.#o.leases.watched();
      let now = this.#now();
      this.#free = new Set([...watched].filter(([, d]) => d.lease.owner === null).map(([id]) => id));
      // Accounts just released (a node stopping, a user's start): the share from the last
      // placement round may count a node that has left. Refreshed once per newly free set, so
      // they are taken on this poll, not a renew period later.
      if ([...this.#free].some((id) => !this.#freeSeen.has(id)) && this.#share - this.#held.size - this.#actions.pendingTakes <= 0) {
        await this.#refreshShare(now);
        now = this.#now();
      }
      this.#freeSeen = this.#free;
      const check = new Set<string>();
      for (const id of this.#held.keys()) if (watched.get(id)?.lease.owner !== this.#me) check.add(id);
      for (const w of this.#o.workers.list()) if (!this.#held.has(w.accountId) && w.state !== 'stopped') check.add(w.accountId);
      let room = this.#share - this.#held.size - this.#actions.pendingTakes;
      for (const [id, desired] of watched) {
        const action = decideAccount(desired, this.#local(id), this.#me, now, room > 0);
        if (action.do === 'take' && desired.lease.owner !== this.#me) room -= 1;
        if (action.do !== 'none') check.add(id);
      }
      for (const id of check) {
        this.reconcile(id).catch((err: unknown) => this.#log.warn({ err, accountId: id }, 'reconciling an account failed'));
      }
      return watched;
    } catch (err) {
      this.#log.warn({ err }, 'desired-state poll failed');
      return undefined;
    } finally {
      this.#polling = false;
    }
  }
}
