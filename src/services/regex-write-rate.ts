/**
 * How often one user may save rules that hold regex triggers. Each such write compiles every
 * pattern, reloads the account's friends and rules, and the first presence change after it
 * builds a matcher per new pattern: profiled under the issue-12 attack, a few users saving as
 * fast as the general rate limit let them kept the event loop busy and every other request
 * waited. A token bucket per user: `perMinute` on average, up to `burst` at once.
 */
import { AppError } from './errors.js';

/** Writes one user may make at once before the per-minute rate applies. */
export const REGEX_WRITE_BURST = 5;
/** Users remembered at most; the least recently seen is forgotten first. */
const MAX_USERS = 10_000;

export class RegexWriteRateError extends AppError {
  override name = 'RegexWriteRateError';
  constructor(readonly retryAfterS: number) {
    super(429, 'REGEX_WRITE_RATE_LIMITED', `Too many rule changes with regex triggers; retry in ${retryAfterS} seconds`);
  }
}

export class RegexWriteRate {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  /** `perMinute` 0 → no limit. */
  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one write by `userId`; throws RegexWriteRateError (429) when the user has none left. */
  take(userId: string): void {
    if (this.perMinute === 0) return;
    const now = this.now();
    const perMs = this.perMinute / 60_000;
    const prev = this.#buckets.get(userId);
    const tokens = prev ? Math.min(REGEX_WRITE_BURST, prev.tokens + (now - prev.at) * perMs) : REGEX_WRITE_BURST;
    if (tokens < 1) throw new RegexWriteRateError(Math.ceil((1 - tokens) / perMs / 1000));
    this.#buckets.delete(userId); // re-inserted last: the map stays in least-recently-used order
    this.#buckets.set(userId, { tokens: tokens - 1, at: now });
    if (this.#buckets.size > MAX_USERS) this.#buckets.delete(this.#buckets.keys().next().value as string);
  }
}
