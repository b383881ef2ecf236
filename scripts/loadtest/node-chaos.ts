/**
 * Chaos on whole server nodes while the load runs (several nodes): one action at a time, in
 * turn, on a random node that runs ready accounts —
 *
 * - `kill-node`: SIGKILL. Its workers must notice and exit by themselves; its accounts must be
 *   ready on other nodes within the lease + 5 s. A replacement node is started afterwards.
 * - `pause-node`: SIGSTOP for `pauseMs` (longer than the lease), then SIGCONT. Its workers must
 *   close their gateway connections by themselves (the fake's `maxSessionsPerBot` stays 1); its
 *   accounts move meanwhile; once continued it rejoins.
 * - `stop-node`: SIGTERM, the graceful hand-off (its accounts ready elsewhere within 5 s). A
 *   replacement node is started afterwards.
 *
 * After each action it measures how long until every node that is up holds its fair share ±1,
 * then waits `gapMs` before the next one. Times come from the probes' worker states (server
 * clocks on the same host).
 */
import { isAlive } from './proc-stats.js';
import { spread } from './stats.js';
import type { NodeStateRecord } from './probe-set.js';
import type { FleetNode, ServerFleet } from './server-fleet.js';

export const NODE_CHAOS_ACTIONS = ['kill-node', 'pause-node', 'stop-node'] as const;
export type NodeChaosAction = (typeof NODE_CHAOS_ACTIONS)[number];

export interface NodeChaosEvent {
  action: NodeChaosAction;
  node: string;
  /** Harness clock when the signal was sent. */
  at: number;
  /** Accounts ready on the node at that moment. */
  accounts: string[];
  /** Per account: when it was ready on another node (server clock), null if never. */
  readyElsewhereAt: Record<string, number | null>;
  /** Over its accounts: median and max of ready elsewhere − `at`, ms; null when one never was. */
  readyElsewhereMedianMs: number | null;
  readyElsewhereMaxMs: number | null;
  /** kill-node: until every worker of the killed node had exited, ms; null if one was still alive. */
  workersExitedMs: number | null;
  /** stop-node: SIGTERM → the node exited, ms. */
  exitMs: number | null;
  /** pause-node: how long it was stopped, ms. */
  pausedMs: number | null;
  /** The node that joined afterwards (a new one, or the paused one continued). */
  joined: string | null;
  /** From that join until every node up held its fair share ±1 (all accounts ready), ms. */
  rebalancedMs: number | null;
}

export interface NodeChaosOptions {
  fleet: ServerFleet;
  accountIds: readonly string[];
  actions: readonly NodeChaosAction[];
  /** Pause between the end of one action (rebalanced) and the next. */
  gapMs: number;
  /** How long pause-node keeps a node stopped. */
  pauseMs: number;
  /** Longest wait for accounts to be ready elsewhere. */
  failoverTimeoutMs: number;
  /** Longest wait for the fair shares after a join. @defaultValue 90000 */
  rebalanceTimeoutMs?: number;
  /** Longest wait for a killed node's workers to exit. @defaultValue 30000 */
  orphanTimeoutMs?: number;
  /** stop() returns only once this many actions were taken (tests that need each one). @defaultValue 0 */
  minActions?: number;
  log?: (line: string) => void;
  /** @defaultValue Math.random */
  random?: () => number;
}

const POLL_MS = 100;

export class NodeChaos {
  readonly events: NodeChaosEvent[] = [];
  readonly #opts: Required<NodeChaosOptions>;
  readonly #stop = new AbortController();
  #running: Promise<void> = Promise.resolve();

  constructor(opts: NodeChaosOptions) {
    this.#opts = { rebalanceTimeoutMs: 90_000, orphanTimeoutMs: 30_000, minActions: 0, log: () => undefined, random: Math.random, ...opts };
  }

  start(): void {
    this.#running = this.#loop().catch((err: unknown) => this.#opts.log(`node chaos stopped: ${(err as Error).message}`));
  }

  /**
   * No new action after this (beyond `minActions`); the current one is finished (its node back,
   * shares measured).
   */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  /** Windows for the reconciliation: one per account of each action. */
  windows(): Array<{ accountId: string; killAt: number; readyAt: number | null; nodeLost: boolean }> {
    return this.events.flatMap((e) =>
      e.accounts.map((accountId) => ({
        accountId,
        killAt: e.at,
        readyAt: e.readyElsewhereAt[accountId] ?? null,
        nodeLost: e.action !== 'stop-node',
      })),
    );
  }

  async #loop(): Promise<void> {
    const { actions, gapMs, minActions } = this.#opts;
    let turn = 0;
    const done = () => this.#stop.signal.aborted && this.events.length >= minActions;
    while (!done() && actions.length > 0) {
      await this.#sleep(gapMs);
      if (done()) return;
      const node = this.#pickNode();
      if (!node) {
        // Nothing to act on yet (accounts still moving); not a busy loop once stop() was called.
        await new Promise((r) => setTimeout(r, POLL_MS));
        continue;
      }
      await this.#act(actions[turn++ % actions.length] as NodeChaosAction, node);
    }
  }

  /** A node that is up and runs ready accounts, while at least one other node is up. */
  #pickNode(): FleetNode | undefined {
    const { fleet } = this.#opts;
    const up = fleet.up;
    if (up.length < 2) return undefined;
    const busy = up.filter((n) => fleet.probes.readyOn(n.id).length > 0);
    return busy[Math.floor(this.#opts.random() * busy.length)];
  }

  async #act(action: NodeChaosAction, node: FleetNode): Promise<void> {
    const { fleet, log } = this.#opts;
    const accounts = fleet.probes.readyOn(node.id);
    const pids = accounts.map((a) => fleet.probes.pidOn(node.id, a)).filter((p): p is number => p !== null);
    const event: NodeChaosEvent = {
      action,
      node: node.id,
      at: Date.now(),
      accounts,
      readyElsewhereAt: Object.fromEntries(accounts.map((a) => [a, null])),
      readyElsewhereMedianMs: null,
      readyElsewhereMaxMs: null,
      workersExitedMs: null,
      exitMs: null,
      pausedMs: null,
      joined: null,
      rebalancedMs: null,
    };
    this.events.push(event);
    const onState = (record: NodeStateRecord) => {
      if (record.node !== node.id && record.state === 'ready' && record.at >= event.at && event.readyElsewhereAt[record.accountId] === null) {
        event.readyElsewhereAt[record.accountId] = record.at;
      }
    };
    fleet.probes.on('state', onState);
    log(`${action} ${node.id} (${accounts.length} accounts)`);
    let exited: Promise<number> | undefined;
    if (action === 'kill-node') fleet.kill(node);
    else if (action === 'pause-node') fleet.pause(node);
    else exited = fleet.stop(node);

    const allReady = () => accounts.every((a) => event.readyElsewhereAt[a] !== null);
    // Timed as it happens, while the failover is awaited below.
    const orphansGone =
      action === 'kill-node'
        ? this.#waitFor(() => pids.every((pid) => !isAlive(pid)), this.#opts.orphanTimeoutMs).then((ok) => (ok ? Date.now() - event.at : null))
        : undefined;
    await this.#waitFor(allReady, this.#opts.failoverTimeoutMs);
    fleet.probes.off('state', onState);
    const delays = accounts.map((a) => event.readyElsewhereAt[a]).map((at) => (at === null || at === undefined ? null : at - event.at));
    if (delays.every((d) => d !== null)) {
      const { median, max } = spread(delays);
      event.readyElsewhereMedianMs = Number.isFinite(median) ? median : 0;
      event.readyElsewhereMaxMs = Number.isFinite(max) ? max : 0;
    }
    if (orphansGone) event.workersExitedMs = await orphansGone;
    if (exited) event.exitMs = await exited;

    let joined: FleetNode;
    if (action === 'pause-node') {
      await this.#sleep(event.at + this.#opts.pauseMs - Date.now(), true);
      fleet.resume(node);
      event.pausedMs = Date.now() - event.at;
      joined = node;
    } else joined = await fleet.addNode();
    event.joined = joined.id;
    const joinedAt = Date.now();
    if (await this.#waitFor(() => this.#balanced(), this.#opts.rebalanceTimeoutMs)) event.rebalancedMs = Date.now() - joinedAt;
    log(
      `${action} ${node.id}: ready elsewhere after ${event.readyElsewhereMaxMs ?? '—'} ms (max), ` +
        `${joined.id} joined, fair shares after ${event.rebalancedMs ?? '—'} ms`,
    );
  }

  /** Every account ready on exactly one node that is up, each node within ±1 of its fair share. */
  #balanced(): boolean {
    const { fleet, accountIds } = this.#opts;
    const up = fleet.up;
    const counts = up.map((n) => fleet.probes.readyOn(n.id).length);
    const total = counts.reduce((a, b) => a + b, 0);
    if (total !== accountIds.length || up.length === 0) return false;
    const share = Math.ceil(accountIds.length / up.length);
    return counts.every((c) => Math.abs(c - share) <= 1);
  }

  /** Resolves true once `check` holds, false after `timeoutMs`. */
  async #waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return true;
  }

  /** Sleeps `ms`; cut short by stop() unless `uninterruptible` (a paused node must be continued). */
  async #sleep(ms: number, uninterruptible = false): Promise<void> {
    if (ms <= 0 || (!uninterruptible && this.#stop.signal.aborted)) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.#stop.signal;
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      if (!uninterruptible) signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** What went wrong in a run's node chaos, one line each (empty when every action recovered). */
export function nodeChaosProblems(events: readonly NodeChaosEvent[]): string[] {
  const problems: string[] = [];
  for (const e of events) {
    const name = `${e.action} ${e.node}`;
    const missing = e.accounts.filter((a) => e.readyElsewhereAt[a] === null);
    if (missing.length > 0) problems.push(`${name}: ${missing.length} of ${e.accounts.length} accounts never ready elsewhere`);
    if (e.action === 'kill-node' && e.workersExitedMs === null) problems.push(`${name}: workers of the killed node still running`);
    if (e.joined !== null && e.rebalancedMs === null) problems.push(`${name}: fair shares not reached after ${e.joined} joined`);
  }
  return problems;
}
