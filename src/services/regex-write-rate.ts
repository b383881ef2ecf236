/**
 * How often one user may save rules that hold regex triggers. Each such write compiles every
 * pattern, reloads the account's friends and rules, and the first presence change after it
 * builds a matcher per new pattern: profiled under the issue-12 attack, a few users saving as
 * fast as the general rate limit let them kept the event loop busy and every other request
 * waited. A token bucket per user: `perMinute` on average, up to `burst` at once, kept in the
 * shared database so that every node draws from the same bucket.
 *
 * The bucket is one date per user (the generic cell rate algorithm): `tat`, when the bucket is
 * full again. A write is allowed while `tat` is at most `burst − 1` intervals ahead of now, and
 * moves it one interval on, from now if it was past. That is one conditional upsert: when the
 * bucket exists but has no token left, the upsert's insert collides with it (duplicate key) and
 * nothing changes. A TTL index removes buckets once full again, which is what a missing one means.
 */
import type { Models } from '../models/index.js';
import { AppError } from './errors.js';

/** Writes one user may make at once before the per-minute rate applies. */
export const REGEX_WRITE_BURST = 5;

export class RegexWriteRateError extends AppError {
  override name = 'RegexWriteRateError';
  constructor(readonly retryAfterS: number) {
    super(429, 'REGEX_WRITE_RATE_LIMITED', `Too many rule changes with regex triggers; retry in ${retryAfterS} seconds`);
  }
}

export class RegexWriteRate {
  /** `perMinute` 0 → no limit. */
  constructor(
    private readonly model: Models['RateBucket'],
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one write by `userId`; throws RegexWriteRateError (429) when the user has none left. */
  async take(userId: string): Promise<void> {
    if (this.perMinute === 0) return;
    const intervalMs = 60_000 / this.perMinute;
    const aheadMs = (REGEX_WRITE_BURST - 1) * intervalMs;
    const _id = `regex-writes:${userId}`;
    let waitMs = 0;
    // Another try only when the collision was with a bucket made meanwhile that has a token left.
    for (let tries = 0; tries < 3 && waitMs <= 0; tries += 1) {
      const now = this.now();
      try {
        await this.model.findOneAndUpdate(
          { _id, tat: { $not: { $gt: new Date(now + aheadMs) } } },
          [{ $set: { tat: { $add: [{ $max: ['$tat', new Date(now)] }, intervalMs] } } }],
          { upsert: true, updatePipeline: true, projection: { _id: 1 } },
        );
        return;
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
      }
      const bucket = await this.model.findById(_id).lean();
      waitMs = bucket ? bucket.tat.getTime() - aheadMs - now : 0;
    }
    throw new RegexWriteRateError(Math.max(1, Math.ceil(waitMs / 1000)));
  }
}
