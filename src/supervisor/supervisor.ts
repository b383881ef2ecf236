import { existsSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import { NO_RESTART_CODES, SPAWN_PRIORITY, SUPERVISOR_DEFAULTS } from './constants.js';
import { DeliveryFailedError, SupervisorError } from './errors.js';
import { InvalidRequestBudget } from './invalid-request-budget.js';
import {
  type ChildMessage,
  ChildOp,
  type DeliverMessage,
  type DeliveryTarget,
  type FatalMessage,
  type FriendsUpdateMessage,
  type HeartbeatMessage,
  type InitMessage,
  message as ipcMessage,
  type OutgoingMessage,
  ParentOp,
  type PingMessage,
  type ResumeOutcome,
  type ShutdownMessage,
  WORKER_INTENTS,
  type WorkerInitSettings,
} from '../ipc/index.js';
import { EMPTY_HISTORY, planRestart } from './restart-policy.js';
import { type SessionHandover, SessionKeeper } from './session-keeper.js';
import { type ResolvedOptions, resolveOptions } from './resolve-options.js';
import type {
  SupervisorEvents,
  SupervisorOptions,
  WorkerInit,
  WorkerSnapshot,
} from './types.js';
import { WorkerHandle, type WorkerExit } from './worker-handle.js';
import { type ExitIntent, type WorkerRecord, createRecord, toSnapshot } from './worker-record.js';
import {
  RESTING_STATES,
  type WorkerState,
  canTransition,
  decideStart,
  decideStop,
  emptyStateCounts,
} from './worker-state.js';

export interface DeliveryResult {
  messageId: string;
  channelId: string;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs one child process per Discord account and keeps them alive: a bounded spawn queue,
 * heartbeats and a hung-child watchdog, restarts with backoff, a crash-loop stop, fatal errors
 * that are never retried, and a shared budget of invalid Discord requests.
 *
 * It never touches the database and never speaks HTTP: services call it, and it emits events.
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  readonly #config: ResolvedOptions;
  readonly #log: Logger;
  readonly #records = new Map<string, WorkerRecord>();
  readonly #queue: PQueue;
  readonly #budget: InvalidRequestBudget;
  /** Each account's gateway session, so a replacement worker resumes it. */
  readonly #sessions: SessionKeeper;
  /** Monotonic request ids, unique across all children of this supervisor. */
  #requestCounter = 0;
  #closed = false;
  /** Serialises forks, one per event-loop turn (see #nextForkTurn). */
  #forkGate: Promise<void> = Promise.resolve();
  #closing: Promise<void> | undefined;

  constructor(options: SupervisorOptions) {
    super();
    this.#config = resolveOptions(options);
    this.#log = this.#config.logger.child({ component: 'supervisor' });
    this.#queue = new PQueue({ concurrency: this.#config.spawnConcurrency });
    this.#budget = new InvalidRequestBudget(this.#config.invalidRequests);
    this.#sessions = new SessionKeeper(this.#config.sessionResumeWindowMs);
  }

  // ─── public API ─────────────────────────────────────────────────────────────────────────────

  /**
   * Starts the account's worker. A worker that is already starting, running or waiting to
   * restart is left alone and its snapshot returned. Resolves once the start is queued (watch
   * the `ready` event for the outcome). Rejects with `ILLEGAL_TRANSITION` while it is stopping,
   * `SUPERVISOR_CLOSED` after `close()`.
   */
  async start(accountId: string): Promise<WorkerSnapshot> {
    this.#assertOpen('start', accountId);
    const rec = this.#records.get(accountId) ?? this.#createRecord(accountId);
    switch (decideStart(rec.state)) {
      case 'noop':
        break;
      case 'refuse':
        throw new SupervisorError('ILLEGAL_TRANSITION', `worker ${accountId} is stopping; start it once it has stopped`, {
          accountId,
          op: 'start',
          state: rec.state,
          retryable: true,
        });
      case 'spawn':
        rec.history = EMPTY_HISTORY;
        this.#enqueueSpawn(rec, SPAWN_PRIORITY.start);
        break;
    }
    return this.#snapshot(rec);
  }

  /**
   * Stops the account's worker gracefully (`shutdown`, then SIGKILL after the grace period) and
   * resolves once it is `stopped`. Cancels a queued start or a pending restart. Unknown
   * accounts resolve as `stopped`.
   */
  async stop(accountId: string, opts: { keepSession?: boolean } = {}): Promise<WorkerSnapshot> {
    const rec = this.#records.get(accountId);
    if (!opts.keepSession) this.#sessions.forget(accountId);
    if (rec === undefined) return { accountId, state: 'stopped', restarts: 0 };
    switch (decideStop(rec.state, rec.handle !== undefined)) {
      case 'noop':
        break;
      case 'cancel':
        this.#cancelPending(rec);
        this.#setState(rec, 'stopped');
        break;
      case 'shutdown':
        await this.#askToLeave(rec, 'stop', opts.keepSession ? 'handed over' : 'stopped by request', opts.keepSession);
        break;
      case 'await':
        rec.exitIntent = 'stop';
        await rec.handle?.exited;
        break;
    }
    return this.#snapshot(rec);
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
    if (rec === undefined || RESTING_STATES.has(rec.state)) return this.start(accountId);
    if (rec.state === 'stopping') {
      throw new SupervisorError('ILLEGAL_TRANSITION', `worker ${accountId} is stopping`, {
        accountId,
        op: 'restart',
        state: rec.state,
        retryable: true,
      });
    }
    if (rec.state === 'backoff') {
      this.#cancelPending(rec);
      rec.restarts += 1;
      this.#enqueueSpawn(rec, SPAWN_PRIORITY.restart);
    } else if (rec.handle !== undefined) {
      await this.#askToLeave(rec, 'restart', 'restart requested');
    }
    return this.#snapshot(rec);
  }

  /** Stops the account's worker and forgets it (the account was deleted). */
  async remove(accountId: string): Promise<void> {
    await this.stop(accountId);
    const rec = this.#records.get(accountId);
    if (rec !== undefined && RESTING_STATES.has(rec.state)) this.#records.delete(accountId);
  }

  /**
   * Sends the worker its new friend list. Returns false when no worker is running (the next
   * spawn fetches the list through `resolveInit`).
   */
  updateFriends(accountId: string, friends: string[]): boolean {
    const rec = this.#records.get(accountId);
    if (rec === undefined) return false;
    if (rec.handle !== undefined && rec.state !== 'stopping') {
      rec.handle
        .send(ipcMessage<FriendsUpdateMessage>({ type: ParentOp.FriendsUpdate, friends: [...friends] }))
        .catch((err: unknown) => this.#accountLog(accountId).warn({ err }, 'friends update not sent'));
      return true;
    }
    if (rec.state === 'starting') {
      // Its init is being resolved right now and may predate this change.
      rec.friendsOverride = [...friends];
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
      const request = ipcMessage<DeliverMessage>({
        type: ParentOp.Deliver,
        requestId: this.#nextRequestId(),
        target,
        message,
      });
      return handle.request<DeliveryResult>(request, opts.timeoutMs ?? this.#config.requestTimeoutMs);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Round trip to the child over IPC, in ms. Rejects like `deliver` when it cannot. */
  async ping(accountId: string, opts: { timeoutMs?: number } = {}): Promise<number> {
    const rec = this.#records.get(accountId);
    const handle = rec?.handle;
    if (rec === undefined || handle === undefined || rec.state === 'stopping') {
      throw new SupervisorError('WORKER_NOT_RUNNING', `worker ${accountId} is not running`, {
        accountId,
        op: 'ping',
        state: rec?.state ?? 'stopped',
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

  /** Accounts whose session could be handed over now. */
  sessionAccounts(): string[] {
    return this.#sessions.accounts();
  }

  get(accountId: string): WorkerSnapshot | undefined {
    const rec = this.#records.get(accountId);
    return rec === undefined ? undefined : this.#snapshot(rec);
  }

  list(): WorkerSnapshot[] {
    return [...this.#records.values()].map((rec) => this.#snapshot(rec));
  }

  countsByState(): Record<WorkerState, number> {
    const counts = emptyStateCounts();
    for (const rec of this.#records.values()) counts[rec.state] += 1;
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
    this.#closing ??= this.#closeAll();
    return this.#closing;
  }

  // ─── spawning ───────────────────────────────────────────────────────────────────────────────

  #createRecord(accountId: string): WorkerRecord {
    const rec = createRecord(accountId, this.#config.heartbeatIntervalMs * this.#config.heartbeatMissThreshold);
    this.#records.set(accountId, rec);
    return rec;
  }

  #enqueueSpawn(rec: WorkerRecord, priority: number): void {
    rec.retryAt = undefined;
    this.#setState(rec, 'starting');
    const generation = ++rec.generation;
    this.#queue
      .add(() => this.#spawn(rec, generation), { priority })
      .catch((err: unknown) => this.#accountLog(rec.accountId).error({ err }, 'spawn task failed'));
  }

  /** One spawn-queue task: resolve the init, fork, and hold the slot until the child speaks. */
  async #spawn(rec: WorkerRecord, generation: number): Promise<void> {
    const stillWanted = (): boolean => rec.generation === generation && rec.state === 'starting' && !this.#closed;
    if (!stillWanted()) return;
    const wait = this.#budget.retryAfterMs(Date.now());
    if (wait > 0) {
      this.#accountLog(rec.accountId).warn({ waitMs: wait }, 'invalid-request budget nearly spent; start delayed');
      this.#enterBackoff(rec, wait);
      return;
    }
    if (!existsSync(this.#config.workerPath)) {
      this.#enterError(rec, 'WORKER_MISSING', `worker entry not found: ${this.#config.workerPath}`);
      return;
    }
    let init: WorkerInit;
    try {
      init = await this.#config.resolveInit(rec.accountId);
    } catch (err) {
      if (stillWanted()) this.#enterError(rec, 'INIT_FAILED', `could not prepare the worker: ${errorMessage(err)}`);
      return;
    }
    await this.#nextForkTurn();
    if (!stillWanted()) return;
    const handle = this.#fork(rec, init);
    // Holding the slot until the child has loaded keeps the parent's event loop responsive.
    await handle?.heardFrom;
  }

  /**
   * Resolves on an event-loop turn of its own for each caller in turn. fork() blocks the parent
   * until the child has exec'd — tens of ms on a busy machine — so forks run back to back (as
   * when several slots free at once) would add up to one long stall; spread over turns, the
   * server answers requests in between.
   */
  #nextForkTurn(): Promise<void> {
    const turn = this.#forkGate.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    this.#forkGate = turn;
    return turn;
  }

  #fork(rec: WorkerRecord, init: WorkerInit): WorkerHandle | undefined {
    const settings: WorkerInitSettings = {
      ...SUPERVISOR_DEFAULTS.workerSettings,
      heartbeatIntervalMs: this.#config.heartbeatIntervalMs,
      ...init.settings,
    };
    const friends = rec.friendsOverride ?? init.friends;
    rec.friendsOverride = undefined;
    if (init.session) this.#sessions.adopt(rec.accountId, init.session);
    const handover = this.#sessions.handOver(rec.accountId);
    // A readiness left over from the previous process must not count for this one.
    rec.readyAt = undefined;
    let handle: WorkerHandle;
    try {
      handle = WorkerHandle.spawn({
        accountId: rec.accountId,
        workerPath: this.#config.workerPath,
        execArgv: this.#config.execArgv,
        env: this.#config.env,
        logger: this.#accountLog(rec.accountId).child({ worker: true }),
        secrets: handover ? [init.token, handover.session.sessionId] : [init.token],
        maxLogLineChars: SUPERVISOR_DEFAULTS.maxLogLineChars,
        onMessage: (msg, h) => this.#onMessage(rec, h, msg),
        onExit: (exit, h) => this.#onExit(rec, h, exit),
      });
    } catch (err) {
      this.#recordError(rec, 'SPAWN_FAILED', errorMessage(err));
      this.#afterCrash(rec);
      return undefined;
    }
    Object.assign(rec, {
      handle,
      startedAt: Date.now(),
      readyAt: undefined,
      gatewayState: undefined,
      lastHeartbeat: undefined,
      laggingBeats: 0,
      heartbeatTimeoutMs: settings.heartbeatIntervalMs * this.#config.heartbeatMissThreshold,
    });
    this.#accountLog(rec.accountId).info({ workerPid: handle.pid }, 'worker forked');
    this.#emitState(rec);
    const { startTimeoutMs, readyTimeoutMs } = this.#config;
    handle.arm('start', startTimeoutMs, () =>
      this.#killIfStillStuck(rec, handle, () => handle.messageCount === 0, 'START_TIMEOUT', `no message from the worker within ${startTimeoutMs} ms`),
    );
    handle.arm('ready', readyTimeoutMs, () =>
      this.#killIfStillStuck(rec, handle, () => rec.readyAt === undefined, 'READY_TIMEOUT', `worker not ready within ${readyTimeoutMs} ms`),
    );
    const initMessage = ipcMessage<InitMessage>({
      type: ParentOp.Init,
      accountId: rec.accountId,
      token: init.token,
      intents: WORKER_INTENTS,
      friends: [...friends],
      ...(this.#config.discordApiUrl === undefined ? {} : { discordApiUrl: this.#config.discordApiUrl }),
      settings,
      ...(handover && { session: handover.session, baseline: handover.baseline }),
    });
    handle.send(initMessage).catch((err: unknown) => this.#accountLog(rec.accountId).warn({ err }, 'init not sent'));
    return handle;
  }

  // ─── messages from the child ────────────────────────────────────────────────────────────────

  #onMessage(rec: WorkerRecord, handle: WorkerHandle, msg: ChildMessage): void {
    if (rec.handle !== handle) return;
    this.#noteAlive(rec, handle);
    switch (msg.type) {
      case ChildOp.Ready:
        handle.disarm('ready');
        this.#sessions.onReady(rec.accountId, msg);
        if (msg.resume) this.#onResumeOutcome(rec, msg.resume);
        Object.assign(rec, {
          botUserId: msg.botUserId,
          botUsername: msg.botUsername,
          guildCount: msg.guildCount,
          gatewayState: 'ready',
          readyAt: Date.now(),
        });
        if (rec.state === 'starting' || rec.state === 'connecting') {
          this.#setState(rec, 'ready');
          this.#accountLog(rec.accountId).info({ botUserId: msg.botUserId }, 'worker ready');
          this.#emit('ready', this.#snapshot(rec));
        }
        break;
      case ChildOp.State:
        rec.gatewayState = msg.state;
        if (rec.state === 'starting') this.#setState(rec, 'connecting');
        else this.#emitState(rec);
        break;
      case ChildOp.Heartbeat:
        this.#sessions.onHeartbeat(rec.accountId, msg.seq);
        this.#onHeartbeat(rec, handle, msg);
        break;
      case ChildOp.Session:
        this.#sessions.onSession(rec.accountId, msg.session);
        break;
      case ChildOp.Activity:
        for (const event of this.#sessions.onActivity(rec.accountId, msg)) this.#emit('activity', rec.accountId, event);
        break;
      case ChildOp.Delivered:
        this.#settle(handle, msg.requestId, () =>
          handle.requests.resolve(msg.requestId, { messageId: msg.messageId, channelId: msg.channelId }),
        );
        break;
      case ChildOp.DeliverFailed:
        this.#settle(handle, msg.requestId, () =>
          handle.requests.reject(
            msg.requestId,
            new DeliveryFailedError(msg.reason, {
              accountId: rec.accountId,
              op: 'deliver',
              retryable: msg.retryable,
              ...(msg.retryAfterMs === undefined ? {} : { retryAfterMs: msg.retryAfterMs }),
              ...(msg.code === undefined ? {} : { reasonCode: msg.code }),
              ...(msg.status === undefined ? {} : { status: msg.status }),
            }),
          ),
        );
        break;
      case ChildOp.Pong:
        this.#settle(handle, msg.requestId, () => handle.requests.resolve(msg.requestId, undefined));
        break;
      case ChildOp.InvalidRequest:
        this.#onInvalidRequest(rec, msg.status, msg.route);
        break;
      case ChildOp.Fatal:
        this.#onFatal(rec, handle, msg);
        break;
    }
  }

  /** Any message proves the child's event loop runs: the first one ends the start timer. */
  #noteAlive(rec: WorkerRecord, handle: WorkerHandle): void {
    if (rec.state === 'stopping') return;
    handle.disarm('start');
    if (handle.isArmed('heartbeat')) handle.refresh('heartbeat');
    else this.#watchHeartbeats(rec, handle);
  }

  /** Kills the child when no message at all arrives for the heartbeat timeout. */
  #watchHeartbeats(rec: WorkerRecord, handle: WorkerHandle): void {
    const timeoutMs = rec.heartbeatTimeoutMs;
    handle.arm('heartbeat', timeoutMs, () => {
      const seen = handle.messageCount;
      this.#killIfStillStuck(rec, handle, () => handle.messageCount === seen, 'HEARTBEAT_TIMEOUT', `no heartbeat for ${timeoutMs} ms`);
    });
  }

  #onHeartbeat(rec: WorkerRecord, handle: WorkerHandle, msg: HeartbeatMessage): void {
    // A message's own fields are closed (src/ipc/envelope.ts): the rest is exactly the figures.
    const { v: _v, type: _type, seq: _seq, ...beat } = msg;
    rec.lastHeartbeat = beat;
    if (rec.state === 'starting') this.#setState(rec, 'connecting');
    this.#emit('heartbeat', rec.accountId, beat);
    if (rec.state === 'stopping') return;
    // Several beats in a row: one slow interval is what a starved (not hung) child looks like.
    rec.laggingBeats = msg.eventLoopLagMs > this.#config.maxEventLoopLagMs ? rec.laggingBeats + 1 : 0;
    if (rec.laggingBeats >= this.#config.heartbeatMissThreshold) {
      this.#killHung(rec, handle, 'EVENT_LOOP_STALLED', `event-loop delay ${Math.round(msg.eventLoopLagMs)} ms in ${rec.laggingBeats} heartbeats in a row`);
    } else if (msg.rss > this.#config.maxRssBytes) {
      this.#recordError(rec, 'MEMORY_LIMIT', `rss ${msg.rss} bytes over the ${this.#config.maxRssBytes} cap`);
      this.#accountLog(rec.accountId).warn({ rss: msg.rss }, 'worker over its memory cap; replacing it');
      void this.#askToLeave(rec, 'replace', 'memory limit', true);
    }
  }

  /** A refused resume is a gap: changes made while no worker ran were not observed. */
  #onResumeOutcome(rec: WorkerRecord, outcome: ResumeOutcome): void {
    this.#emit('resume', rec.accountId, outcome);
    const log = this.#accountLog(rec.accountId);
    if (outcome === 'resumed') log.info('replacement worker resumed the gateway session');
    else log.warn('Discord refused the session; presence changes made while no worker ran were not observed');
  }

  #onFatal(rec: WorkerRecord, handle: WorkerHandle, msg: FatalMessage): void {
    this.#sessions.forget(rec.accountId);
    this.#recordError(rec, msg.code, msg.message);
    this.#accountLog(rec.accountId).error({ code: msg.code, reason: msg.message }, 'worker reported a fatal error');
    this.#emit('fatal', rec.accountId, msg.code, msg.message);
    if (rec.state === 'stopping') return;
    if (NO_RESTART_CODES.has(msg.code)) {
      void this.#askToLeave(rec, 'error', `fatal ${msg.code}`);
    } else {
      // The worker exits by itself after a fatal message; make sure it does, then restart it.
      handle.arm('kill', this.#config.shutdownGraceMs, () => handle.kill('SIGKILL'));
    }
  }

  #onInvalidRequest(rec: WorkerRecord, status: number, route: string): void {
    const now = Date.now();
    const wasExhausted = this.#budget.isExhausted(now);
    this.#budget.record(now);
    if (!wasExhausted && this.#budget.isExhausted(now)) {
      this.#log.warn(
        { accountId: rec.accountId, status, route, count: this.#budget.count(now) },
        'shared invalid-request budget nearly spent: refusing deliveries and delaying starts',
      );
    }
  }

  #settle(handle: WorkerHandle, requestId: number, settle: () => boolean): void {
    if (!settle()) this.#accountLog(handle.accountId).debug({ requestId }, 'reply to an unknown or expired request dropped');
  }

  // ─── leaving, exits and restarts ────────────────────────────────────────────────────────────

  /**
   * Sends `shutdown`, SIGKILLs after the grace period, resolves when the child has exited. With
   * `keepSession` the child leaves its gateway session resumable for the next worker.
   */
  #askToLeave(rec: WorkerRecord, intent: ExitIntent, reason: string, keepSession = false): Promise<WorkerExit> | undefined {
    const handle = rec.handle;
    if (handle === undefined) return undefined;
    rec.exitIntent = intent;
    rec.generation += 1;
    this.#setState(rec, 'stopping');
    for (const timer of ['start', 'ready', 'heartbeat'] as const) handle.disarm(timer);
    handle.arm('kill', this.#config.shutdownGraceMs, () => {
      this.#accountLog(rec.accountId).warn({ workerPid: handle.pid }, 'worker ignored shutdown; SIGKILL');
      handle.kill('SIGKILL');
    });
    handle.send(ipcMessage<ShutdownMessage>({ type: ParentOp.Shutdown, reason, ...(keepSession && { keepSession }) })).catch(() => {
      // Channel already closed: the child is on its way out, and the kill timer backs that up.
    });
    return handle.exited;
  }

  /**
   * Kills a child whose timer ran out, unless a message that was already waiting in the IPC
   * socket proves it alive: after a stall of the parent itself, timers run before pending I/O is
   * read, so the verdict waits for one poll phase (setImmediate runs after it).
   */
  #killIfStillStuck(
    rec: WorkerRecord,
    handle: WorkerHandle,
    stillStuck: () => boolean,
    code: string,
    reason: string,
  ): void {
    // A message read meanwhile has re-armed the watchdog through #noteAlive.
    setImmediate(() => {
      if (stillStuck()) this.#killHung(rec, handle, code, reason);
    });
  }

  #killHung(rec: WorkerRecord, handle: WorkerHandle, code: string, reason: string): void {
    if (rec.handle !== handle || rec.state === 'stopping') return;
    this.#recordError(rec, code, reason);
    this.#accountLog(rec.accountId).warn({ workerPid: handle.pid, code, reason }, 'worker unresponsive; SIGKILL');
    handle.kill('SIGKILL');
  }

  #onExit(rec: WorkerRecord, handle: WorkerHandle, exit: WorkerExit): void {
    if (rec.handle !== handle) return;
    rec.handle = undefined;
    const intent = rec.exitIntent;
    rec.exitIntent = undefined;
    this.#accountLog(rec.accountId).info({ workerPid: handle.pid, ...exit, intent }, 'worker exited');
    this.#emit('exit', rec.accountId, exit.code, exit.signal);

    if (this.#closed || intent === 'stop') {
      this.#setState(rec, 'stopped');
    } else if (intent === 'error') {
      this.#setState(rec, 'error');
    } else if (intent === 'restart') {
      rec.restarts += 1;
      this.#enqueueSpawn(rec, SPAWN_PRIORITY.restart);
    } else {
      const run = rec.startedAt ?? 0;
      if (rec.lastError === undefined || rec.lastError.at < run) {
        this.#recordError(rec, 'EXITED', `worker exited (code ${exit.code}, signal ${exit.signal})`);
      }
      this.#afterCrash(rec);
    }
  }

  /** Restarts at once, after a backoff, or gives up (`crashed`), as the policy says. */
  #afterCrash(rec: WorkerRecord): void {
    const plan = planRestart(
      rec.history,
      { at: Date.now(), ...(rec.readyAt === undefined ? {} : { readyAt: rec.readyAt }) },
      this.#config.restart,
      this.#config.random,
    );
    rec.history = plan.history;
    const log = this.#accountLog(rec.accountId);
    if (plan.action === 'give-up') {
      log.error({ crashes: plan.history.crashes.length, lastError: rec.lastError }, 'worker crash loop; not restarting');
      this.#setState(rec, 'crashed');
      return;
    }
    rec.restarts += 1;
    log.warn({ delayMs: plan.delayMs, lastError: rec.lastError }, 'worker crashed; restarting');
    if (plan.delayMs === 0) this.#enqueueSpawn(rec, SPAWN_PRIORITY.restart);
    else this.#enterBackoff(rec, plan.delayMs);
  }

  #enterBackoff(rec: WorkerRecord, delayMs: number): void {
    this.#cancelPending(rec);
    const generation = rec.generation;
    rec.retryAt = Date.now() + delayMs;
    this.#setState(rec, 'backoff');
    rec.backoffTimer = setTimeout(() => {
      rec.backoffTimer = undefined;
      if (rec.generation === generation && rec.state === 'backoff' && !this.#closed) {
        this.#enqueueSpawn(rec, SPAWN_PRIORITY.restart);
      }
    }, delayMs);
  }

  #enterError(rec: WorkerRecord, code: string, message: string): void {
    this.#recordError(rec, code, message);
    this.#accountLog(rec.accountId).error({ code, reason: message }, 'worker cannot start');
    this.#setState(rec, 'error');
    this.#emit('fatal', rec.accountId, code, message);
  }

  /** Cancels a queued spawn and a backoff timer. */
  #cancelPending(rec: WorkerRecord): void {
    rec.generation += 1;
    rec.retryAt = undefined;
    if (rec.backoffTimer !== undefined) clearTimeout(rec.backoffTimer);
    rec.backoffTimer = undefined;
  }

  async #closeAll(): Promise<void> {
    this.#closed = true;
    this.#queue.clear();
    const exits: Promise<WorkerExit>[] = [];
    for (const rec of this.#records.values()) {
      this.#cancelPending(rec);
      // A server restart (or another node) resumes the sessions while they are young.
      const exited = this.#askToLeave(rec, 'stop', 'server shutting down', true);
      if (exited !== undefined) exits.push(exited);
      else if (!RESTING_STATES.has(rec.state)) this.#setState(rec, 'stopped');
    }
    await Promise.all(exits);
    this.#log.info({ children: exits.length }, 'supervisor closed');
  }

  // ─── small helpers ──────────────────────────────────────────────────────────────────────────

  #setState(rec: WorkerRecord, to: WorkerState): void {
    if (rec.state === to) return;
    if (!canTransition(rec.state, to)) {
      throw new Error(`illegal worker state transition ${rec.state} → ${to} (${rec.accountId})`);
    }
    this.#accountLog(rec.accountId).debug({ from: rec.state, to }, 'worker state');
    rec.state = to;
    this.#emitState(rec);
  }

  #emitState(rec: WorkerRecord): void {
    this.#emit('state', this.#snapshot(rec));
  }

  /** Emits without letting a throwing listener break the supervisor. */
  #emit<K extends keyof SupervisorEvents>(event: K, ...args: SupervisorEvents[K]): void {
    try {
      (this.emit as (name: K, ...rest: SupervisorEvents[K]) => boolean)(event, ...args);
    } catch (err) {
      this.#log.error({ err, event }, 'supervisor event listener threw');
    }
  }

  #recordError(rec: WorkerRecord, code: string, message: string): void {
    rec.lastError = { code, message, at: Date.now() };
  }

  #snapshot(rec: WorkerRecord): WorkerSnapshot {
    return toSnapshot(rec);
  }

  #accountLog(accountId: string): Logger {
    return this.#log.child({ accountId });
  }

  #nextRequestId(): number {
    this.#requestCounter += 1;
    return this.#requestCounter;
  }

  #assertOpen(op: string, accountId: string): void {
    if (this.#closed) throw new SupervisorError('SUPERVISOR_CLOSED', 'the supervisor is shutting down', { accountId, op });
  }

  #assertBudget(accountId: string, op: string): void {
    const now = Date.now();
    if (!this.#budget.isExhausted(now)) return;
    throw new SupervisorError('INVALID_REQUEST_BUDGET', 'too many invalid Discord requests from this server; try later', {
      accountId,
      op,
      retryable: true,
      retryAfterMs: this.#budget.retryAfterMs(now),
    });
  }

  #readyHandle(accountId: string, op: string): WorkerHandle {
    const rec = this.#records.get(accountId);
    if (rec?.state === 'ready' && rec.handle !== undefined) return rec.handle;
    const state = rec?.state ?? 'stopped';
    throw new SupervisorError('WORKER_NOT_READY', `worker ${accountId} is ${state}`, {
      accountId,
      op,
      state,
      // It may come back by itself unless it rests until the user acts.
      retryable: !RESTING_STATES.has(state),
      ...(rec?.retryAt === undefined ? {} : { retryAfterMs: Math.max(0, rec.retryAt - Date.now()) }),
    });
  }
}
