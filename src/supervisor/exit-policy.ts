import { type CrashFacts, planRestart, type RestartHistory, type RestartPolicy } from './restart-policy.js';
import type { ExitIntent } from './worker-record.js';

/** Where a worker goes once its process has exited (or could not be forked). */
export type ExitDecision =
  | { next: 'stopped' }
  | { next: 'error' }
  /** Fork a new process now (a requested restart, or the first crash after a good run). */
  | { next: 'starting'; history: RestartHistory }
  | { next: 'backoff'; delayMs: number; history: RestartHistory }
  /** Too many crashes in the window: rest until the user starts it again. */
  | { next: 'crashed'; history: RestartHistory };

export interface ExitFacts {
  /** The supervisor is closing. */
  closed: boolean;
  /** Why the supervisor asked the process to leave; absent when it died on its own. */
  intent: ExitIntent | undefined;
  history: RestartHistory;
  crash: CrashFacts;
}

/**
 * Classifies an exit (pure): a requested stop or a close rests, an exit after a fatal error
 * waits for the user, a requested restart forks at once, and anything else — a crash, a kill by
 * a watchdog, a replacement over the memory cap — goes through the restart policy.
 */
export function nextStateAfterExit(facts: ExitFacts, policy: RestartPolicy, random: () => number): ExitDecision {
  if (facts.closed || facts.intent === 'stop') return { next: 'stopped' };
  if (facts.intent === 'error') return { next: 'error' };
  if (facts.intent === 'restart') return { next: 'starting', history: facts.history };
  return nextStateAfterCrash(facts.history, facts.crash, policy, random);
}

/** Restart at once, after a backoff, or give up, as the restart policy says (pure). */
export function nextStateAfterCrash(
  history: RestartHistory,
  crash: CrashFacts,
  policy: RestartPolicy,
  random: () => number,
): ExitDecision {
  const plan = planRestart(history, crash, policy, random);
  if (plan.action === 'give-up') return { next: 'crashed', history: plan.history };
  if (plan.delayMs === 0) return { next: 'starting', history: plan.history };
  return { next: 'backoff', delayMs: plan.delayMs, history: plan.history };
}
