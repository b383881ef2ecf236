import type { Logger } from 'pino';
import { type ChildMessage, ChildOp, type FatalMessage, type HeartbeatMessage } from '../ipc/index.js';
import { settleReply } from './child-replies.js';
import { NO_RESTART_CODES } from './constants.js';
import { type HealthWatch, judgeHeartbeat } from './health-watch.js';
import type { InvalidRequestBudget } from './invalid-request-budget.js';
import type { OwnerBudgets } from './owner-budgets.js';
import { recordInvalidRequest } from './record-invalid-request.js';
import type { ResolvedOptions } from './resolve-options.js';
import type { SessionKeeper } from './session-keeper.js';
import { reportFenced, reportResumeOutcome, type SessionOutcomeDeps } from './session-outcomes.js';
import type { SupervisorEvents } from './types.js';
import type { WorkerExit, WorkerHandle } from './worker-handle.js';
import { type ExitIntent, type LiveProcess, type WorkerPhase, type WorkerRecord, processOf, toSnapshot } from './worker-record.js';

export type EmitSupervisorEvent = <K extends keyof SupervisorEvents>(event: K, ...args: SupervisorEvents[K]) => void;

/** What reading a worker's messages needs from the runner that owns its record. */
export interface WorkerMessageContext {
  readonly config: ResolvedOptions;
  readonly log: Logger;
  readonly emit: EmitSupervisorEvent;
  readonly sessions: SessionKeeper;
  readonly budgets: { shared: InvalidRequestBudget; owners: OwnerBudgets };
  readonly health: HealthWatch;
  enter(rec: WorkerRecord, phase: WorkerPhase): void;
  emitState(rec: WorkerRecord): void;
  accountLog(accountId: string): Logger;
  recordError(rec: WorkerRecord, code: string, message: string): void;
  askToLeave(rec: WorkerRecord, intent: ExitIntent, reason: string, keepSession?: boolean): Promise<WorkerExit> | undefined;
  killHung(rec: WorkerRecord, handle: WorkerHandle, code: string, reason: string): void;
}

/**
 * What follows one message from a worker: its record's state and run figures, the session keeper,
 * the invalid-request budgets, pending replies, and the supervisor's events. A message from a
 * process that is no longer the record's is ignored.
 */
export function handleWorkerMessage(ctx: WorkerMessageContext, rec: WorkerRecord, handle: WorkerHandle, msg: ChildMessage): void {
  const proc = processOf(rec);
  if (proc?.handle !== handle) return;
  if (rec.phase.state !== 'stopping') ctx.health.noteAlive(proc);
  switch (msg.type) {
    case ChildOp.Ready:
      handle.disarm('ready');
      ctx.sessions.onReady(rec.accountId, msg);
      if (msg.resume) reportResumeOutcome(sessionDeps(ctx, rec), rec.accountId, msg.resume);
      rec.bot = { botUserId: msg.botUserId, botUsername: msg.botUsername, guildCount: msg.guildCount };
      rec.run = { ...rec.run, gatewayState: 'ready', readyAt: Date.now() };
      if (rec.phase.state === 'starting' || rec.phase.state === 'connecting') {
        ctx.enter(rec, { state: 'ready', process: proc });
        ctx.accountLog(rec.accountId).info({ botUserId: msg.botUserId }, 'worker ready');
        ctx.emit('ready', toSnapshot(rec));
      }
      break;
    case ChildOp.State:
      rec.run.gatewayState = msg.state;
      if (rec.phase.state === 'starting') ctx.enter(rec, { state: 'connecting', process: proc });
      else ctx.emitState(rec);
      break;
    case ChildOp.Heartbeat:
      ctx.sessions.onHeartbeat(rec.accountId, msg.seq);
      onHeartbeat(ctx, rec, proc, msg);
      break;
    case ChildOp.Session:
      ctx.sessions.onSession(rec.accountId, msg.session);
      break;
    case ChildOp.Activity:
      for (const event of ctx.sessions.onActivity(rec.accountId, msg)) ctx.emit('activity', rec.accountId, event);
      break;
    case ChildOp.Delivered:
    case ChildOp.DeliverFailed:
    case ChildOp.Pong:
    case ChildOp.Answer:
      if (!settleReply(handle, msg)) {
        ctx.accountLog(rec.accountId).debug({ requestId: msg.requestId }, 'reply to an unknown or expired request dropped');
      }
      break;
    case ChildOp.InvalidRequest:
      recordInvalidRequest(
        ctx.budgets,
        ctx.log,
        { accountId: rec.accountId, owner: rec.owner, status: msg.status, route: msg.route },
        Date.now(),
      );
      break;
    case ChildOp.Fatal:
      onFatal(ctx, rec, handle, msg);
      break;
    case ChildOp.Fenced:
      reportFenced(sessionDeps(ctx, rec), rec.accountId, msg);
      break;
  }
}

function sessionDeps(ctx: WorkerMessageContext, rec: WorkerRecord): SessionOutcomeDeps {
  return { sessions: ctx.sessions, log: ctx.accountLog(rec.accountId), emit: ctx.emit };
}

function onHeartbeat(ctx: WorkerMessageContext, rec: WorkerRecord, proc: LiveProcess, msg: HeartbeatMessage): void {
  // A message's own fields are closed (src/ipc/envelope.ts): the rest is exactly the figures.
  const { v: _v, type: _type, seq: _seq, ...beat } = msg;
  rec.run.lastHeartbeat = beat;
  if (rec.phase.state === 'starting') ctx.enter(rec, { state: 'connecting', process: proc });
  ctx.emit('heartbeat', rec.accountId, beat);
  if (rec.phase.state === 'stopping') return;
  const verdict = judgeHeartbeat(msg, proc.laggingBeats, ctx.config);
  proc.laggingBeats = verdict.laggingBeats;
  if (verdict.action === 'kill') {
    ctx.killHung(rec, proc.handle, verdict.code, verdict.reason);
  } else if (verdict.action === 'replace') {
    ctx.recordError(rec, verdict.code, verdict.reason);
    ctx.accountLog(rec.accountId).warn({ rss: msg.rss }, 'worker over its memory cap; replacing it');
    void ctx.askToLeave(rec, 'replace', 'memory limit', true);
  }
}

function onFatal(ctx: WorkerMessageContext, rec: WorkerRecord, handle: WorkerHandle, msg: FatalMessage): void {
  ctx.sessions.forget(rec.accountId);
  ctx.recordError(rec, msg.code, msg.message);
  ctx.accountLog(rec.accountId).error({ code: msg.code, reason: msg.message }, 'worker reported a fatal error');
  ctx.emit('fatal', rec.accountId, msg.code, msg.message);
  if (rec.phase.state === 'stopping') return;
  if (NO_RESTART_CODES.has(msg.code)) {
    void ctx.askToLeave(rec, 'error', `fatal ${msg.code}`);
  } else {
    // The worker exits by itself after a fatal message; make sure it does, then restart it.
    handle.arm('kill', ctx.config.shutdownGraceMs, () => handle.kill('SIGKILL'));
  }
}
