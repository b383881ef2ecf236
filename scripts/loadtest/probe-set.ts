import { EventEmitter } from 'node:events';
import type { LagRecord, OutcomeRecord, ProbeLog, ReceivedRecord, ResumeRecord, StoredRecord, WorkerStateRecord } from './probe-log.js';

/** A record as one node's probe reported it. */
export type FromNode<T> = T & { node: string };
export type NodeStateRecord = FromNode<WorkerStateRecord>;

/** States in which a node does not run the account (any more). */
const INACTIVE: ReadonlySet<string> = new Set(['stopped', 'stopping']);

/**
 * The probes of every server node as one: the same arrays and events as a single ProbeLog (in
 * arrival order across nodes), plus who runs what. A node that was killed or paused is marked
 * gone: its last reports are stale, so it no longer counts as running anything.
 */
export class ProbeSet extends EventEmitter<{
  received: [ReceivedRecord[]];
  stored: [FromNode<StoredRecord>[]];
  outcome: [FromNode<OutcomeRecord>[]];
  state: [NodeStateRecord];
  resume: [ResumeRecord];
}> {
  readonly received: ReceivedRecord[] = [];
  readonly stored: FromNode<StoredRecord>[] = [];
  readonly outcomes: FromNode<OutcomeRecord>[] = [];
  /** Per node: events stored and pipeline outcomes reported. */
  readonly #pipeline = new Map<string, { stored: number; outcomes: number }>();
  readonly states: NodeStateRecord[] = [];
  readonly #logs = new Map<string, ProbeLog>();
  readonly #latest = new Map<string, Map<string, NodeStateRecord>>();
  readonly #gone = new Set<string>();

  /** Adds a node's probe; everything it reports from now on is merged in. */
  add(node: string, log: ProbeLog): void {
    this.#logs.set(node, log);
    this.#latest.set(node, new Map());
    this.#gone.delete(node);
    const pipeline = { stored: 0, outcomes: 0 };
    this.#pipeline.set(node, pipeline);
    for (const record of log.states) this.#onState(node, record);
    log.on('received', (batch) => {
      this.received.push(...batch);
      this.emit('received', batch);
    });
    log.on('stored', (batch) => {
      const tagged = batch.map((r) => ({ ...r, node }));
      pipeline.stored += tagged.length;
      this.stored.push(...tagged);
      this.emit('stored', tagged);
    });
    log.on('outcome', (batch) => {
      const tagged = batch.map((r) => ({ ...r, node }));
      pipeline.outcomes += tagged.length;
      this.outcomes.push(...tagged);
      this.emit('outcome', tagged);
    });
    log.on('state', (record) => this.#onState(node, record));
    log.on('resume', (record) => this.emit('resume', record));
  }

  /** The node was killed or paused (true), or is back (false). */
  setGone(node: string, gone: boolean): void {
    if (gone) this.#gone.add(node);
    else this.#gone.delete(node);
  }

  get lag(): LagRecord[] {
    return [...this.#logs.values()].flatMap((log) => log.lag);
  }

  get lastActivityAt(): number {
    return Math.max(0, ...[...this.#logs.values()].map((log) => log.lastActivityAt));
  }

  workerPids(): number[] {
    return [...this.#logs.values()].flatMap((log) => log.workerPids());
  }

  accountOfPid(pid: number): string | undefined {
    for (const log of this.#logs.values()) {
      const accountId = log.accountOfPid(pid);
      if (accountId !== undefined) return accountId;
    }
    return undefined;
  }

  /**
   * Stored events still waiting for their pipeline outcome, on the nodes that are up (a dead
   * node's never come).
   */
  pipelinePending(): number {
    let pending = 0;
    for (const [node, p] of this.#pipeline) if (!this.#gone.has(node)) pending += Math.max(0, p.stored - p.outcomes);
    return pending;
  }

  /** The account's state on the node that runs it now (of the nodes not gone), newest first. */
  current(accountId: string): NodeStateRecord | undefined {
    let best: NodeStateRecord | undefined;
    for (const [node, latest] of this.#latest) {
      if (this.#gone.has(node)) continue;
      const record = latest.get(accountId);
      if (!record) continue;
      const better =
        !best ||
        (INACTIVE.has(best.state) && !INACTIVE.has(record.state)) ||
        (INACTIVE.has(best.state) === INACTIVE.has(record.state) && record.at > best.at);
      if (better) best = record;
    }
    return best;
  }

  /** Accounts whose worker on `node` is running or on its way (not stopped or stopping). */
  runningOn(node: string): string[] {
    const latest = this.#latest.get(node);
    if (!latest) return [];
    return [...latest.values()].filter((r) => !INACTIVE.has(r.state)).map((r) => r.accountId);
  }

  /** Accounts whose worker on `node` is ready right now. */
  readyOn(node: string): string[] {
    const latest = this.#latest.get(node);
    if (!latest) return [];
    return [...latest.values()].filter((r) => r.state === 'ready').map((r) => r.accountId);
  }

  /** The worker pid `node` last reported for the account. */
  pidOn(node: string, accountId: string): number | null {
    return this.#latest.get(node)?.get(accountId)?.pid ?? null;
  }

  #onState(node: string, record: WorkerStateRecord): void {
    const tagged: NodeStateRecord = { ...record, node };
    const latest = this.#latest.get(node);
    const previous = latest?.get(record.accountId);
    // A state without a pid (stopping, backoff) keeps the last known one, for "did it exit?".
    if (tagged.pid === null && previous) tagged.pid = previous.pid;
    latest?.set(record.accountId, tagged);
    this.states.push(tagged);
    this.emit('state', tagged);
  }
}
