import { exponentialDelay } from '../../utils/backoff.js';
import type { Random } from './random.js';

export interface BackoffPolicy {
  /** Wait after the first failure. */
  initialMs: number;
  /** Longest wait. */
  maxMs: number;
  /** Fraction of the wait removed at random, in [0, 1]. */
  jitter: number;
}

/** How long to leave a provider alone after its `failures`-th consecutive failure (1-based). */
export function providerBackoffDelay(failures: number, policy: BackoffPolicy, random: Random): number {
  const base = exponentialDelay(failures - 1, policy.initialMs, policy.maxMs);
  return Math.round(base * (1 - policy.jitter * random()));
}
