import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import {
  type ChildMessage,
  ChildOp,
  type FatalMessage,
  type HeartbeatMessage,
  message,
  ParentOp,
  type ShutdownMessage,
} from '../ipc/index.js';
import { settleReply } from './child-replies.js';
import { NO_RESTART_CODES, SPAWN_PRIORITY, SUPERVISOR_DEFAULTS } from './constants.js';
import { type ExitDecision, nextStateAfterCrash, nextStateAfterExit } from './exit-policy.js';
import { HealthWatch, judgeHeartbeat } from './health-watch.js';
import { InitRefusedError } from './errors.js';
import { buildInitMessage } from './init-message.js';
import type { InvalidRequestBudget } from './invalid-request-budget.js';
import type { OwnerBudgets } from './owner-budgets.js';
import { recordInvalidRequest } from './record-invalid-request.js';
import type { ResolvedOptions } from './resolve-options.js';
import type { SessionKeeper } from './session-keeper.js';
import { reportFenced, reportResumeOutcome, type SessionOutcomeDeps } from './session-outcomes.js';
import { SpawnScheduler } from './spawn-scheduler.js';
import type { SupervisorEvents, WorkerInit } from './types.js';
import { type WorkerExit, WorkerHandle } from './worker-handle.js';
import {
  type ExitIntent,
  type LiveProcess,
  type WorkerPhase,
  type WorkerRecord,
  processOf,
  toSnapshot,
} from './worker-record.js';
import { RESTING_STATES, canTransition } from './worker-state.js';

type Emit = <K extends keyof SupervisorEvents>(event: K, ...args: SupervisorEvents[K]) => void;

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The process side of the supervisor: spawns through the scheduler, forks with the init, reads
 * what children say, watches their health, decides what follows an exit, and moves each record
 * through its phases. The Supervisor decides *what* to do for its callers; this does it.
 */
export class WorkerRunner {
  readonly #config: ResolvedOptions;
  readonly #log: Logger;
  readonly #emit: Emit;
  readonly #sessions: SessionKeeper;
  readonly #budget: InvalidRequestBudget;
  readonly #ownerBudgets: OwnerBudgets;
  readonly #scheduler: SpawnScheduler;
  readonly #health: HealthWatch;
  readonly #records: ReadonlyMap<string, WorkerRecord>;
  #closed = false;

  constructor(deps: {
    config: ResolvedOptions;
    log: Logger;
    emit: Emit;
    sessions: SessionKeeper;
    budget: InvalidRequestBudget;
    ownerBudgets: OwnerBudgets;
    records: ReadonlyMap<string, WorkerRecord>;
  }) {
    ({ config: this.#config, log: this.#log, emit: this.#emit, sessions: this.#sessions, budget: this.#budget } = deps);
    this.#records = deps.records;
    this.#ownerBudgets = deps.ownerBudgets;
    this.#scheduler = new SpawnScheduler(this.#config.spawnConcurrency, (err) => this.#log.error({ err }, 'spawn task failed'));
    this.#health = new HealthWatch({
      startTimeoutMs: this.#config.startTimeoutMs,
      readyTimeoutMs: this.#config.readyTimeoutMs,
      onStuck: (handle, code, reason) => {
        const rec = this.#records.get(handle.accountId);
        if (rec !== undefined) this.#killHung(rec, handle, code, reason);
      },
    });
  }

  // ─── phases ─────────────────────────────────────────────────────────────────────────────────

  /** Moves a record to a new phase; a change of state is checked against the table and emitted. */
  enter(rec: WorkerRecord, phase: WorkerPhase): void {
    const from = rec.phase.state;
    if (from !== phase.state && !canTransition(from, phase.state)) {
      throw new Error(`illegal worker state transition ${from} → ${phase.state} (${rec.accountId})`);
    }
    rec.phase = phase;
    if (from === phase.state) return;
    this.accountLog(rec.accountId).debug({ from, to: phase.state }, 'worker state');
    this.emitState(rec);
  }

  emitState(rec: WorkerRecord): void {
    this.#emit('state', toSnapshot(rec));
  }

  accountLog(accountId: string): Logger {
    return this.#log.child({ accountId });
  }

  recordError(rec: WorkerRecord, code: string, message: string): void {
    rec.lastError = { code, message, at: Date.now() };
  }

  // ─── spawning ───────────────────────────────────────────────────────────────────────────────

  enqueueSpawn(rec: WorkerRecord, priority: number): void {
    this.enter(rec, { state: 'starting' });
    const generation = ++rec.generation;
    this.#scheduler.schedule(() => this.#spawn(rec, generation), priority);
  }

  /** One spawn-queue task: resolve the init, fork, and hold the slot until the child speaks. */
  async #spawn(rec: WorkerRecord, generation: number): Promise<void> {
    const stillWanted = (): boolean => rec.generation === generation && rec.phase.state === 'starting' && !this.#closed;
    if (!stillWanted()) return;
    const wait = this.#budget.retryAfterMs(Date.now());
    if (wait > 0) {
      this.accountLog(rec.accountId).warn({ waitMs: wait }, 'invalid-request budget nearly spent; start delayed');
      this.#enterBackoff(rec, wait);
      return;
    }
    const missing = [this.#config.workerPath, this.#config.bootPath].find((file) => file !== undefined && !existsSync(file));
    if (missing) {
      this.#enterError(rec, 'WORKER_MISSING', `worker entry not found: ${missing}`);
      return;
    }
    let init: WorkerInit;
    try {
      init = await this.#config.resolveInit(rec.accountId);
    } catch (err) {
      if (!stillWanted()) return;
      if (err instanceof InitRefusedError) this.#enterError(rec, err.code, err.message);
      else this.#enterError(rec, 'INIT_FAILED', `could not prepare the worker: ${errorMessage(err)}`);
      return;
    }
    rec.owner = init.owner;
    const ownerWait = this.#ownerBudgets.retryAfterMs(init.owner, Date.now());
    if (ownerWait > 0 && stillWanted()) {
      this.accountLog(rec.accountId).warn({ waitMs: ownerWait }, "owner's share of the invalid-request budget spent; start delayed");
      this.#enterBackoff(rec, ownerWait);
      return;
    }
    await this.#scheduler.nextForkTurn();
    if (!stillWanted()) return;
    const handle = this.#fork(rec, init);
    // Holding the slot until the child has loaded keeps the parent's event loop responsive.
    await handle?.heardFrom;
  }

  #fork(rec: WorkerRecord, init: WorkerInit): WorkerHandle | undefined {
    const friendsOverride = rec.phase.state === 'starting' && rec.phase.process === undefined ? rec.phase.friendsOverride : undefined;
    // Session hand-over: the replaced worker's session (or a persisted one) is resumed, not identified anew.
    if (init.session) this.#sessions.adopt(rec.accountId, init.session);
    const handover = this.#sessions.handOver(rec.accountId);
    const { accountId } = rec;
    const initMessage = buildInitMessage({
      accountId,
      init,
      friendsOverride,
      handover,
      baseline: this.#sessions.presencesAfterEnd(accountId),
      heartbeatIntervalMs: this.#config.heartbeatIntervalMs,
      discordApiUrl: this.#config.discordApiUrl,
    });
    let handle: WorkerHandle;
    try {
      handle = WorkerHandle.spawn({
        accountId,
        workerPath: this.#config.workerPath,
        bootPath: this.#config.bootPath,
        execArgv: this.#config.execArgv,
        env: this.#config.env,
        niceness: this.#config.niceness,
        logger: this.accountLog(accountId).child({ worker: true }),
        secrets: handover ? [init.token, handover.session.sessionId] : [init.token],
        maxLogLineChars: SUPERVISOR_DEFAULTS.maxLogLineChars,
        onMessage: (msg, h) => this.#onMessage(rec, h, msg),
        onExit: (exit, h) => this.#onExit(rec, h, exit),
      });
    } catch (err) {
      this.recordError(rec, 'SPAWN_FAILED', errorMessage(err));
      // A readiness left over from the previous process must not count for this one.
      rec.run = { ...rec.run, readyAt: undefined };
      this.#follow(rec, nextStateAfterCrash(rec.history, { at: Date.now() }, this.#config.restart, this.#config.random));
      return undefined;
    }
    const heartbeatTimeoutMs = initMessage.settings.heartbeatIntervalMs * this.#config.heartbeatMissThreshold;
    rec.run = { startedAt: Date.now() };
    rec.phase = { state: 'starting', process: { handle, heartbeatTimeoutMs, laggingBeats: 0 } };
    this.accountLog(accountId).info({ workerPid: handle.pid }, 'worker forked');
    this.emitState(rec);
    this.#health.watchNewChild(handle, () => rec.run.readyAt !== undefined);
    handle.send(initMessage).catch((err: unknown) => this.accountLog(accountId).warn({ err }, 'init not sent'));
    return handle;
  }

  // ─── messages from the child ────────────────────────────────────────────────────────────────

  #onMessage(rec: WorkerRecord, handle: WorkerHandle, msg: ChildMessage): void {
    const proc = processOf(rec);
    if (proc?.handle !== handle) return;
    if (rec.phase.state !== 'stopping') this.#health.noteAlive(proc);
    switch (msg.type) {
      case ChildOp.Ready:
        handle.disarm('ready');
        this.#sessions.onReady(rec.accountId, msg);
        if (msg.resume) reportResumeOutcome(this.#sessionDeps(rec), rec.accountId, msg.resume);
        rec.bot = { botUserId: msg.botUserId, botUsername: msg.botUsername, guildCount: msg.guildCount };
        rec.run = { ...rec.run, gatewayState: 'ready', readyAt: Date.now() };
        if (rec.phase.state === 'starting' || rec.phase.state === 'connecting') {
          this.enter(rec, { state: 'ready', process: proc });
          this.accountLog(rec.accountId).info({ botUserId: msg.botUserId }, 'worker ready');
          this.#emit('ready', toSnapshot(rec));
        }
        break;
      case ChildOp.State:
        rec.run.gatewayState = msg.state;
        if (rec.phase.state === 'starting') this.enter(rec, { state: 'connecting', process: proc });
        else this.emitState(rec);
        break;
      case ChildOp.Heartbeat:
        this.#sessions.onHeartbeat(rec.accountId, msg.seq);
        this.#onHeartbeat(rec, proc, msg);
        break;
      case ChildOp.Session:
        this.#sessions.onSession(rec.accountId, msg.session);
        break;
      case ChildOp.Activity:
        for (const event of this.#sessions.onActivity(rec.accountId, msg)) this.#emit('activity', rec.accountId, event);
        break;
      case ChildOp.Delivered:
      case ChildOp.DeliverFailed:
      case ChildOp.Pong:
      case ChildOp.Answer:
        if (!settleReply(handle, msg)) {
          this.accountLog(rec.accountId).debug({ requestId: msg.requestId }, 'reply to an unknown or expired request dropped');
        }
        break;
      case ChildOp.InvalidRequest:
        recordInvalidRequest(
          { shared: this.#budget, owners: this.#ownerBudgets },
          this.#log,
          { accountId: rec.accountId, owner: rec.owner, status: msg.status, route: msg.route },
          Date.now(),
        );
        break;
      case ChildOp.Fatal:
        this.#onFatal(rec, handle, msg);
        break;
      case ChildOp.Fenced:
        reportFenced(this.#sessionDeps(rec), rec.accountId, msg);
        break;
    }
  }

  #sessionDeps(rec: WorkerRecord): SessionOutcomeDeps {
    return { sessions: this.#sessions, log: this.accountLog(rec.accountId), emit: this.#emit };
  }

  #onHeartbeat(rec: WorkerRecord, proc: LiveProcess, msg: HeartbeatMessage): void {
    // A message's own fields are closed (src/ipc/envelope.ts): the rest is exactly the figures.
    const { v: _v, type: _type, seq: _seq, ...beat } = msg;
    rec.run.lastHeartbeat = beat;
    if (rec.phase.state === 'starting') this.enter(rec, { state: 'connecting', process: proc });
    this.#emit('heartbeat', rec.accountId, beat);
    if (rec.phase.state === 'stopping') return;
    const verdict = judgeHeartbeat(msg, proc.laggingBeats, this.#config);
    proc.laggingBeats = verdict.laggingBeats;
    if (verdict.action === 'kill') {
      this.#killHung(rec, proc.handle, verdict.code, verdict.reason);
    } else if (verdict.action === 'replace') {
      this.recordError(rec, verdict.code, verdict.reason);
      this.accountLog(rec.accountId).warn({ rss: msg.rss }, 'worker over its memory cap; replacing it');
      void this.askToLeave(rec, 'replace', 'memory limit', true);
    }
  }

  #onFatal(rec: WorkerRecord, handle: WorkerHandle, msg: FatalMessage): void {
    this.#sessions.forget(rec.accountId);
    this.recordError(rec, msg.code, msg.message);
    this.accountLog(rec.accountId).error({ code: msg.code, reason: msg.message }, 'worker reported a fatal error');
    this.#emit('fatal', rec.accountId, msg.code, msg.message);
    if (rec.phase.state === 'stopping') return;
    if (NO_RESTART_CODES.has(msg.code)) {
      void this.askToLeave(rec, 'error', `fatal ${msg.code}`);
    } else {
      // The worker exits by itself after a fatal message; make sure it does, then restart it.
      handle.arm('kill', this.#config.shutdownGraceMs, () => handle.kill('SIGKILL'));
    }
  }

  // ─── leaving, exits and restarts ────────────────────────────────────────────────────────────

  /**
   * Sends `shutdown`, SIGKILLs after the grace period, resolves when the child has exited. With
   * `keepSession` the child leaves its gateway session resumable for the next worker.
   */
  askToLeave(rec: WorkerRecord, intent: ExitIntent, reason: string, keepSession = false): Promise<WorkerExit> | undefined {
    const proc = processOf(rec);
    if (proc === undefined) return undefined;
    const { handle } = proc;
    rec.generation += 1;
    this.enter(rec, { state: 'stopping', process: proc, exitIntent: intent });
    this.#health.stopWatching(handle);
    handle.arm('kill', this.#config.shutdownGraceMs, () => {
      this.accountLog(rec.accountId).warn({ workerPid: handle.pid }, 'worker ignored shutdown; SIGKILL');
      handle.kill('SIGKILL');
    });
    handle.send(message<ShutdownMessage>({ type: ParentOp.Shutdown, reason, ...(keepSession && { keepSession }) })).catch(() => {
      // Channel already closed: the child is on its way out, and the kill timer backs that up.
    });
    return handle.exited;
  }

  #killHung(rec: WorkerRecord, handle: WorkerHandle, code: string, reason: string): void {
    if (processOf(rec)?.handle !== handle || rec.phase.state === 'stopping') return;
    this.recordError(rec, code, reason);
    this.accountLog(rec.accountId).warn({ workerPid: handle.pid, code, reason }, 'worker unresponsive; SIGKILL');
    handle.kill('SIGKILL');
  }

  #onExit(rec: WorkerRecord, handle: WorkerHandle, exit: WorkerExit): void {
    if (processOf(rec)?.handle !== handle) return;
    const intent = rec.phase.state === 'stopping' ? rec.phase.exitIntent : undefined;
    this.accountLog(rec.accountId).info({ workerPid: handle.pid, ...exit, intent }, 'worker exited');
    this.#emit('exit', rec.accountId, exit.code, exit.signal);
    const decision = nextStateAfterExit(
      { closed: this.#closed, intent, history: rec.history, crash: { at: Date.now(), ...(rec.run.readyAt === undefined ? {} : { readyAt: rec.run.readyAt }) } },
      this.#config.restart,
      this.#config.random,
    );
    const crashed = intent === undefined || intent === 'replace';
    if (crashed && !this.#closed && (rec.lastError === undefined || rec.lastError.at < (rec.run.startedAt ?? 0))) {
      this.recordError(rec, 'EXITED', `worker exited (code ${exit.code}, signal ${exit.signal})`);
    }
    this.#follow(rec, decision, crashed);
  }

  /** Carries out an exit decision; `crashed` unless the supervisor asked for the exit. */
  #follow(rec: WorkerRecord, decision: ExitDecision, crashed = true): void {
    if (decision.next === 'stopped' || decision.next === 'error') {
      this.enter(rec, { state: decision.next });
      return;
    }
    rec.history = decision.history;
    const log = this.accountLog(rec.accountId);
    if (decision.next === 'crashed') {
      log.error({ crashes: decision.history.crashes.length, lastError: rec.lastError }, 'worker crash loop; not restarting');
      this.enter(rec, { state: 'crashed' });
      return;
    }
    rec.restarts += 1;
    const delayMs = decision.next === 'backoff' ? decision.delayMs : 0;
    if (crashed) log.warn({ delayMs, lastError: rec.lastError }, 'worker crashed; restarting');
    if (decision.next === 'starting') this.enqueueSpawn(rec, SPAWN_PRIORITY.restart);
    else this.#enterBackoff(rec, delayMs);
  }

  #enterBackoff(rec: WorkerRecord, delayMs: number): void {
    this.cancelPending(rec);
    const generation = rec.generation;
    const timer = setTimeout(() => {
      if (rec.generation === generation && rec.phase.state === 'backoff' && !this.#closed) {
        this.enqueueSpawn(rec, SPAWN_PRIORITY.restart);
      }
    }, delayMs);
    this.enter(rec, { state: 'backoff', retryAt: Date.now() + delayMs, timer });
  }

  #enterError(rec: WorkerRecord, code: string, message: string): void {
    this.recordError(rec, code, message);
    this.accountLog(rec.accountId).error({ code, reason: message }, 'worker cannot start');
    this.enter(rec, { state: 'error' });
    this.#emit('fatal', rec.accountId, code, message);
  }

  /** Cancels a queued spawn and a backoff timer. */
  cancelPending(rec: WorkerRecord): void {
    rec.generation += 1;
    if (rec.phase.state === 'backoff') clearTimeout(rec.phase.timer);
  }

  /** No more spawns; every child is asked to leave (keeping its session); resolves when all have exited. */
  async closeAll(): Promise<number> {
    this.#closed = true;
    this.#scheduler.clear();
    const exits: Promise<WorkerExit>[] = [];
    for (const rec of this.#records.values()) {
      this.cancelPending(rec);
      // A server restart (or another node) resumes the sessions while they are young.
      const exited = this.askToLeave(rec, 'stop', 'server shutting down', true);
      if (exited !== undefined) exits.push(exited);
      else if (!RESTING_STATES.has(rec.phase.state)) this.enter(rec, { state: 'stopped' });
    }
    await Promise.all(exits);
    return exits.length;
  }

  get closed(): boolean {
    return this.#closed;
  }
}
