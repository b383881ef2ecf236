import type { Logger } from 'pino';
import type { FencedMessage, ResumeOutcome } from '../ipc/index.js';
import type { SessionKeeper } from './session-keeper.js';
import type { SupervisorEvents } from './types.js';

/** What the runner needs to pass on a worker's news about its gateway session. */
export interface SessionOutcomeDeps {
  sessions: SessionKeeper;
  /** The account's logger. */
  log: Logger;
  emit: <K extends keyof SupervisorEvents>(event: K, ...args: SupervisorEvents[K]) => void;
}

/** A handed-over session was resumed, or refused: a gap, changes made while no worker ran were not observed. */
export function reportResumeOutcome({ log, emit }: SessionOutcomeDeps, accountId: string, outcome: ResumeOutcome): void {
  emit('resume', accountId, outcome);
  if (outcome === 'resumed') log.info('replacement worker resumed the gateway session');
  else log.warn('Discord refused the session; presence changes made while no worker ran were not observed');
}

/**
 * The worker fenced itself and is closing its gateway connection, which ends the session at
 * Discord: the next worker identifies instead of trying a RESUME that would be refused.
 */
export function reportFenced({ sessions, log, emit }: SessionOutcomeDeps, accountId: string, msg: FencedMessage): void {
  if (msg.sessionId !== undefined) sessions.endSession(accountId, msg.sessionId);
  log.warn('worker fenced itself (its lease keepalive ran out): its gateway session ended; the next worker identifies');
  emit('fenced', accountId, msg.sessionId);
}
