/**
 * When to restart a worker that died, and when to give up. Pure: time and randomness come in
 * as arguments so the policy is unit-tested without processes or clocks.
 */
import { exponentialDelay } from '../utils/backoff.js';

/** Restart policy knobs. Defaults live in `SUPERVISOR_DEFAULTS.restart`. */
export interface RestartPolicy {
  /** Delay before the second restart in a row; each further one doubles it. @defaultValue 1000 */
  baseDelayMs: number;
  /** Upper bound of the delay. @defaultValue 60000 */
  maxDelayMs: number;
  /** Each delay is scaled by a random factor in [1 − jitter, 1 + jitter]. @defaultValue 0.2 */
  jitterRatio: number;
  /** A child that stayed ready this long resets the backoff to "restart at once". @defaultValue 60000 */
  stableAfterMs: number;
  /** Sliding window in which crashes are counted. @defaultValue 600000 */
  crashWindowMs: number;
  /** More crashes than this inside the window → `crashed`, no more restarts. @defaultValue 5 */
  maxCrashesInWindow: number;
}

/** What the policy remembers about one account between crashes. */
export interface RestartHistory {
  /** Index into the backoff sequence for the next restart (0 = immediate). */
  readonly attempt: number;
  /** Times (epoch ms) of the crashes still inside the window, oldest first. */
  readonly crashes: readonly number[];
}

/** What happened to the run that just ended. */
export interface CrashFacts {
  /** When the child exited (epoch ms). */
  at: number;
  /** When it became ready, if it ever did. */
  readyAt?: number;
}

export type RestartPlan =
  | { action: 'restart'; delayMs: number; history: RestartHistory }
  | { action: 'give-up'; history: RestartHistory };

export const EMPTY_HISTORY: RestartHistory = Object.freeze({ attempt: 0, crashes: Object.freeze([]) });

/**
 * The delay for restart number `attempt` (0-based): 0 for the first, then
 * `base × 2^(attempt−1)` with jitter, capped at `maxDelayMs`.
 */
export function backoffDelay(
  attempt: number,
  policy: Pick<RestartPolicy, 'baseDelayMs' | 'maxDelayMs' | 'jitterRatio'>,
  random: () => number = Math.random,
): number {
  if (attempt <= 0) return 0;
  const raw = exponentialDelay(attempt - 1, policy.baseDelayMs);
  const jitter = 1 + policy.jitterRatio * (2 * random() - 1);
  return Math.round(Math.min(policy.maxDelayMs, raw * jitter));
}

/** Keeps the crashes that are still inside the window ending at `now`. */
export function crashesInWindow(crashes: readonly number[], now: number, windowMs: number): number[] {
  return crashes.filter((t) => now - t < windowMs);
}

/**
 * Decides what to do after a crash. A run that stayed ready for `stableAfterMs` resets the
 * backoff; a child that died before it was ever ready is not restarted at once (no tight loop).
 */
export function planRestart(
  history: RestartHistory,
  crash: CrashFacts,
  policy: RestartPolicy,
  random: () => number = Math.random,
): RestartPlan {
  const crashes = [...crashesInWindow(history.crashes, crash.at, policy.crashWindowMs), crash.at];
  const stable = crash.readyAt !== undefined && crash.at - crash.readyAt >= policy.stableAfterMs;
  let attempt = stable ? 0 : history.attempt;
  if (crash.readyAt === undefined) attempt = Math.max(attempt, 1);

  if (crashes.length > policy.maxCrashesInWindow) {
    return { action: 'give-up', history: { attempt, crashes } };
  }
  return {
    action: 'restart',
    delayMs: backoffDelay(attempt, policy, random),
    history: { attempt: attempt + 1, crashes },
  };
}
