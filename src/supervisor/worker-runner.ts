import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { message, ParentOp, type ShutdownMessage } from '../ipc/index.js';
import { SPAWN_PRIORITY, SUPERVISOR_DEFAULTS } from './constants.js';
import { type ExitDecision, nextStateAfterCrash, nextStateAfterExit } from './exit-policy.js';
import { type EmitSupervisorEvent, type WorkerMessageContext, handleWorkerMessage } from './handle-worker-message.js';
import { HealthWatch } from './health-watch.js';
import { InitRefusedError } from './errors.js';
import { buildInitMessage } from './init-message.js';
import type { InvalidRequestBudget } from './invalid-request-budget.js';
import type { OwnerBudgets } from './owner-budgets.js';
import type { ResolvedOptions } from './resolve-options.js';
import type { SessionKeeper } from './session-keeper.js';
import { SpawnScheduler } from './spawn-scheduler.js';
import type { WorkerInit } from './types.js';
import { type WorkerExit, WorkerHandle } from './worker-handle.js';
import { type ExitIntent, type WorkerPhase, type WorkerRecord, processOf, toSnapshot } from './worker-record.js';
import { RESTING_STATES, canTransition } from './worker-state.js';

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The process side of the supervisor: spawns through the scheduler, forks with the init, hands
 * what children say to `handleWorkerMessage`, watches their health, decides what follows an exit,
 * and moves each record through its phases. The Supervisor decides *what* to do for its callers;
 * this does it.
 */
export class WorkerRunner {
  readonly #config: ResolvedOptions;
  readonly #log: Logger;
  readonly #emit: EmitSupervisorEvent;
  readonly #sessions: SessionKeeper;
  readonly #budget: InvalidRequestBudget;
  readonly #ownerBudgets: OwnerBudgets;
  readonly #scheduler: SpawnScheduler;
  readonly #health: HealthWatch;
  readonly #records: ReadonlyMap<string, WorkerRecord>;
  readonly #messages: WorkerMessageContext;
  #closed = false;

  constructor(deps: {
    config: ResolvedOptions;
    log: Logger;
    emit: EmitSupervisorEvent;
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
    this.#messages = {
      config: this.#config,
      log: this.#log,
      emit: this.#emit,
      sessions: this.#sessions,
      budgets: { shared: this.#budget, owners: this.#ownerBudgets },
      health: this.#health,
      enter: (rec, phase) => this.enter(rec, phase),
      emitState: (rec) => this.emitState(rec),
      accountLog: (accountId) => this.accountLog(accountId),
      recordError: (rec, code, text) => this.recordError(rec, code, text),
      askToLeave: (rec, intent, reason, keepSession) => this.askToLeave(rec, intent, reason, keepSession),
      killHung: (rec, handle, code, reason) => this.#killHung(rec, handle, code, reason),
    };
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
        onMessage: (msg, h) => handleWorkerMessage(this.#messages, rec, h, msg),
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
