import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { forEachInSlices } from '../utils/in-slices.js';
import {
  type DeliverMessage,
  type DeliveryTarget,
  type FriendsUpdateMessage,
  type LeaseMessage,
  message as ipcMessage,
  type OutgoingMessage,
  ParentOp,
  type PingMessage,
  type AnswerMessage,
  type QueryMessage,
  type WorkerQuery,
} from '../ipc/index.js';
import type { DeliveryResult } from './child-replies.js';
import { SPAWN_PRIORITY, SUPERVISOR_DEFAULTS } from './constants.js';
import { SupervisorError } from './errors.js';
import { InvalidRequestBudget } from './invalid-request-budget.js';
import { OwnerBudgets } from './owner-budgets.js';
import { EMPTY_HISTORY } from './restart-policy.js';
import { type ResolvedOptions, resolveOptions } from './resolve-options.js';
import { type SessionHandover, SessionKeeper } from './session-keeper.js';
import type { SupervisorEvents, SupervisorOptions, WorkerSnapshot } from './types.js';
import type { WorkerHandle } from './worker-handle.js';
import { type WorkerRecord, createRecord, processOf, toSnapshot } from './worker-record.js';
import { WorkerRunner } from './worker-runner.js';
import { RESTING_STATES, type WorkerState, decideStart, decideStop, emptyStateCounts } from './worker-state.js';

export type { DeliveryResult } from './child-replies.js';

/**
 * Runs one child process per Discord account and keeps them alive: a bounded spawn queue,
 * heartbeats and a hung-child watchdog, restarts with backoff, a crash-loop stop, fatal errors
 * that are never retried, and a shared budget of invalid Discord requests.
 *
 * It never touches the database and never speaks HTTP: services call it, and it emits events.
 * This class answers its callers; `WorkerRunner` does the work on the processes.
 *
 * Plug-in points: an ownership check (a multi-node lease) belongs before `start()` / `restart()`
 * is called, in the caller that owns the lease (the cluster coordinator) — the supervisor forks
 * whatever it is told to run; the session hand-over (resume) is `SessionKeeper`, consulted by the
 * runner when it builds each `init` (`WorkerInit.session` brings a persisted one).
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  readonly #config: ResolvedOptions;
  readonly #log: Logger;
  readonly #records = new Map<string, WorkerRecord>();
  readonly #budget: InvalidRequestBudget;
  readonly #ownerBudgets: OwnerBudgets;
  /** Each account's gateway session, so a replacement worker resumes it. */
  readonly #sessions: SessionKeeper;
  readonly #runner: WorkerRunner;
  /** Monotonic request ids, unique across all children of this supervisor. */
  #requestCounter = 0;
  #closing: Promise<void> | undefined;

  constructor(options: SupervisorOptions) {
    super();
    this.#config = resolveOptions(options);
    this.#log = this.#config.logger.child({ component: 'supervisor' });
    this.#budget = new InvalidRequestBudget(this.#config.invalidRequests);
    this.#ownerBudgets = new OwnerBudgets({ ...this.#config.invalidRequests, limit: this.#config.invalidRequestsPerOwner });
    this.#sessions = new SessionKeeper(this.#config.sessionResumeWindowMs);
    this.#runner = new WorkerRunner({
      config: this.#config,
      log: this.#log,
      emit: (event, ...args) => this.#emit(event, ...args),
      sessions: this.#sessions,
      budget: this.#budget,
      ownerBudgets: this.#ownerBudgets,
      records: this.#records,
    });
  }

  /**
   * Starts the account's worker. A worker that is already starting, running or waiting to
   * restart is left alone and its snapshot returned. Resolves once the start is queued (watch
   * the `ready` event for the outcome). Rejects with `ILLEGAL_TRANSITION` while it is stopping,
   * `SUPERVISOR_CLOSED` after `close()`.
   */
  async start(accountId: string): Promise<WorkerSnapshot> {
    this.#assertOpen('start', accountId);
    const rec = this.#records.get(accountId) ?? this.#createRecord(accountId);
    switch (decideStart(rec.phase.state)) {
      case 'noop':
        break;
      case 'refuse':
        throw new SupervisorError('ILLEGAL_TRANSITION', `worker ${accountId} is stopping; start it once it has stopped`, {
          accountId,
          op: 'start',
          state: rec.phase.state,
          retryable: true,
        });
      case 'spawn':
        rec.history = EMPTY_HISTORY;
        // A run the user starts has no error yet; automatic restarts keep the one that caused them.
        rec.lastError = undefined;
        this.#runner.enqueueSpawn(rec, SPAWN_PRIORITY.start);
        break;
    }
    return toSnapshot(rec);
  }

  /**
   * Stops the account's worker gracefully (`shutdown`, then SIGKILL after the grace period) and
   * resolves once it is `stopped`. Cancels a queued start or a pending restart. Unknown
   * accounts resolve as `stopped`. With `keepSession` the gateway session stays resumable.
   */
  async stop(accountId: string, opts: { keepSession?: boolean } = {}): Promise<WorkerSnapshot> {
    const rec = this.#records.get(accountId);
    if (!opts.keepSession) this.#sessions.forget(accountId);
    if (rec === undefined) return { accountId, state: 'stopped', restarts: 0 };
    const { phase } = rec;
    switch (decideStop(phase.state, processOf(rec) !== undefined)) {
      case 'noop':
        break;
      case 'cancel':
        this.#runner.cancelPending(rec);
        this.#runner.enter(rec, { state: 'stopped' });
        break;
      case 'shutdown':
        await this.#runner.askToLeave(rec, 'stop', opts.keepSession ? 'handed over' : 'stopped by request', opts.keepSession);
        break;
      case 'await':
        if (phase.state === 'stopping') {
          phase.exitIntent = 'stop';
          await phase.process.handle.exited;
        }
        break;
    }
    return toSnapshot(rec);
  }

  /**
   * Replaces the account's worker with a new process (a changed token applies now). A worker
   * that is not running is started. Resolves once the old process has exited and the new one
   * is queued.
   */
  async restart(accountId: string): Promise<WorkerSnapshot> {
    this.#assertOpen('restart', accountId);
    // A requested restart starts afresh (a changed token may name another bot).
    this.#sessions.forget(accountId);
    const rec = this.#records.get(accountId);
    if (rec === undefined || RESTING_STATES.has(rec.phase.state)) return this.start(accountId);
    if (rec.phase.state === 'stopping') {
      throw new SupervisorError('ILLEGAL_TRANSITION', `worker ${accountId} is stopping`, {
        accountId,
        op: 'restart',
        state: rec.phase.state,
        retryable: true,
      });
    }
    rec.lastError = undefined;
    if (rec.phase.state === 'backoff') {
      this.#runner.cancelPending(rec);
      rec.restarts += 1;
      this.#runner.enqueueSpawn(rec, SPAWN_PRIORITY.restart);
    } else if (processOf(rec) !== undefined) {
      await this.#runner.askToLeave(rec, 'restart', 'restart requested');
    }
    return toSnapshot(rec);
  }

  /** Stops the account's worker and forgets it (the account was deleted). */
  async remove(accountId: string): Promise<void> {
    await this.stop(accountId);
    const rec = this.#records.get(accountId);
    if (rec !== undefined && RESTING_STATES.has(rec.phase.state)) this.#records.delete(accountId);
  }

  /**
   * Lease keepalive (fencing): tells each listed worker how long its account's lease still holds;
   * a worker that hears nothing more within that time closes its Discord connection itself.
   */
  renewLeases(validForMs: ReadonlyMap<string, number>): void {
    // Spread over event-loop turns (one IPC write each would stall the loop ≈ 13 ms at 100
    // workers); each worker is told what is left of its time when its message is written.
    const at = performance.now();
    void forEachInSlices([...validForMs], SUPERVISOR_DEFAULTS.fanOutPerTurn, ([accountId, ms]) => {
      const rec = this.#records.get(accountId);
      const proc = rec === undefined ? undefined : processOf(rec);
      if (rec === undefined || proc === undefined || rec.phase.state === 'stopping') return;
      const left = Math.max(0, Math.floor(ms - (performance.now() - at)));
      proc.handle
        .send(ipcMessage<LeaseMessage>({ type: ParentOp.Lease, validForMs: left }))
        .catch((err: unknown) => this.#runner.accountLog(accountId).warn({ err }, 'lease keepalive not sent'));
    }).catch((err: unknown) => this.#log.error({ err }, 'lease keepalive round failed'));
  }

  /**
   * Sends the worker its new friend list. Returns false when no worker is running (the next
   * spawn fetches the list through `resolveInit`).
   */
  updateFriends(accountId: string, friends: string[]): boolean {
    const rec = this.#records.get(accountId);
    if (rec === undefined) return false;
    const { phase } = rec;
    const proc = processOf(rec);
    if (proc !== undefined && phase.state !== 'stopping') {
      proc.handle
        .send(ipcMessage<FriendsUpdateMessage>({ type: ParentOp.FriendsUpdate, friends: [...friends] }))
        .catch((err: unknown) => this.#runner.accountLog(accountId).warn({ err }, 'friends update not sent'));
      return true;
    }
    if (phase.state === 'starting' && phase.process === undefined) {
      // Its init is being resolved right now and may predate this change.
      phase.friendsOverride = [...friends];
      return true;
    }
    return false;
  }

  /**
   * Asks the account's worker to send a message. Rejects with a `SupervisorError`:
   * `DELIVERY_FAILED` (a `DeliveryFailedError`: the worker's reason, status, retryability),
   * `WORKER_NOT_READY`, `INVALID_REQUEST_BUDGET`, `REQUEST_TIMEOUT`, or `WORKER_EXITED` at once
   * when the child exits mid-request.
   */
  deliver(
    accountId: string,
    target: DeliveryTarget,
    message: OutgoingMessage,
    opts: { timeoutMs?: number } = {},
  ): Promise<DeliveryResult> {
    try {
      this.#assertOpen('deliver', accountId);
      this.#assertBudget(accountId, 'deliver');
      const handle = this.#readyHandle(accountId, 'deliver');
      const request = ipcMessage<DeliverMessage>({ type: ParentOp.Deliver, requestId: this.#nextRequestId(), target, message });
      return handle.request<DeliveryResult>(request, opts.timeoutMs ?? this.#config.requestTimeoutMs);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Asks the ready worker what it sees (its servers, a server's members, its friends' visibility).
   * Resolves with its answer, which may carry an `error`; rejects like `deliver` when it cannot ask.
   */
  query(accountId: string, query: WorkerQuery, opts: { timeoutMs?: number } = {}): Promise<AnswerMessage> {
    try {
      this.#assertOpen('query', accountId);
      const handle = this.#readyHandle(accountId, 'query');
      const request = ipcMessage<QueryMessage>({ type: ParentOp.Query, requestId: this.#nextRequestId(), query });
      return handle.request<AnswerMessage>(request, opts.timeoutMs ?? this.#config.requestTimeoutMs);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Round trip to the child over IPC, in ms. Rejects like `deliver` when it cannot. */
  async ping(accountId: string, opts: { timeoutMs?: number } = {}): Promise<number> {
    const rec = this.#records.get(accountId);
    const handle = rec === undefined ? undefined : processOf(rec)?.handle;
    if (rec === undefined || handle === undefined || rec.phase.state === 'stopping') {
      throw new SupervisorError('WORKER_NOT_RUNNING', `worker ${accountId} is not running`, {
        accountId,
        op: 'ping',
        state: rec?.phase.state ?? 'stopped',
      });
    }
    const started = performance.now();
    await handle.request<void>(
      ipcMessage<PingMessage>({ type: ParentOp.Ping, requestId: this.#nextRequestId() }),
      opts.timeoutMs ?? this.#config.requestTimeoutMs,
    );
    return performance.now() - started;
  }

  /**
   * The account's gateway session as a replacement worker would resume it (for persisting it
   * encrypted: a server restart or another node can resume it while it is young). A credential.
   */
  sessionHandover(accountId: string): SessionHandover | undefined {
    return this.#sessions.handOver(accountId);
  }

  /**
   * Hands the account's session over for good: returned as `sessionHandover` would, and forgotten
   * here. Once another node continues it, what this node kept is stale: resuming it later would
   * replay (or, refused, re-report from old presences) what the other node already stored.
   */
  releaseSession(accountId: string): SessionHandover | undefined {
    const handover = this.#sessions.handOver(accountId);
    this.#sessions.forget(accountId);
    return handover;
  }

  /** Accounts whose session could be handed over now. */
  sessionAccounts(): string[] {
    return this.#sessions.accounts();
  }

  get(accountId: string): WorkerSnapshot | undefined {
    const rec = this.#records.get(accountId);
    return rec === undefined ? undefined : toSnapshot(rec);
  }

  list(): WorkerSnapshot[] {
    return [...this.#records.values()].map(toSnapshot);
  }

  countsByState(): Record<WorkerState, number> {
    const counts = emptyStateCounts();
    for (const rec of this.#records.values()) counts[rec.phase.state] += 1;
    return counts;
  }

  /** Invalid Discord answers (401/403/429) of all workers in the current window. */
  invalidRequestCount(): number {
    return this.#budget.count(Date.now());
  }

  /**
   * Shuts every worker down: no new work, `shutdown` to each child, SIGKILL for those still
   * running after the grace period, and resolves once every child has exited.
   */
  close(): Promise<void> {
    this.#closing ??= this.#runner.closeAll().then((children) => this.#log.info({ children }, 'supervisor closed'));
    return this.#closing;
  }

  // ─── helpers ────────────────────────────────────────────────────────────────────────────────

  #createRecord(accountId: string): WorkerRecord {
    const rec = createRecord(accountId);
    this.#records.set(accountId, rec);
    return rec;
  }

  /** Emits without letting a throwing listener break the supervisor. */
  #emit<K extends keyof SupervisorEvents>(event: K, ...args: SupervisorEvents[K]): void {
    try {
      (this.emit as (name: K, ...rest: SupervisorEvents[K]) => boolean)(event, ...args);
    } catch (err) {
      this.#log.error({ err, event }, 'supervisor event listener threw');
    }
  }

  #nextRequestId(): number {
    this.#requestCounter += 1;
    return this.#requestCounter;
  }

  #assertOpen(op: string, accountId: string): void {
    if (this.#runner.closed) throw new SupervisorError('SUPERVISOR_CLOSED', 'the supervisor is shutting down', { accountId, op });
  }

  #assertBudget(accountId: string, op: string): void {
    const now = Date.now();
    const owner = this.#records.get(accountId)?.owner;
    const serverWide = this.#budget.isExhausted(now);
    if (!serverWide && !this.#ownerBudgets.isExhausted(owner, now)) return;
    throw new SupervisorError(
      'INVALID_REQUEST_BUDGET',
      `too many invalid Discord requests from ${serverWide ? 'this server' : "this user's accounts"}; try later`,
      {
        accountId,
        op,
        retryable: true,
        retryAfterMs: serverWide ? this.#budget.retryAfterMs(now) : this.#ownerBudgets.retryAfterMs(owner, now),
      },
    );
  }

  #readyHandle(accountId: string, op: string): WorkerHandle {
    const phase = this.#records.get(accountId)?.phase;
    if (phase?.state === 'ready') return phase.process.handle;
    const state = phase?.state ?? 'stopped';
    throw new SupervisorError('WORKER_NOT_READY', `worker ${accountId} is ${state}`, {
      accountId,
      op,
      state,
      // It may come back by itself unless it rests until the user acts.
      retryable: !RESTING_STATES.has(state),
      ...(phase?.state === 'backoff' ? { retryAfterMs: Math.max(0, phase.retryAt - Date.now()) } : {}),
    });
  }
}
