/**
 * The one exponential backoff formula in the server: `baseMs × 2^step`, capped at `maxMs`.
 * Used by the supervisor's restart policy, the content providers' backoff and the delivery
 * pipeline's retries. Jitter stays with each caller because their needs differ: restarts of many
 * workers after a shared outage are spread both ways, a provider's wait is only ever shortened
 * (its maximum is a promise), and a delivery retry has none (Discord's Retry-After comes first).
 */
export function exponentialDelay(step: number, baseMs: number, maxMs = Number.POSITIVE_INFINITY): number {
  // Cap the exponent so huge step counts cannot overflow to Infinity before the min().
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, step), 30));
}
