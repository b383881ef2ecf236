/**
 * Discord bans an IP that sends more than 10,000 invalid requests (401, 403, 429) in 10 minutes.
 * Every worker reports its invalid answers; this counts them together in a sliding window so the
 * supervisor can refuse new work before a few broken accounts get every account banned.
 *
 * Pure: the caller passes the time. Counts are kept in fixed buckets, so memory stays bounded
 * whatever the rate; the window is exact to one bucket.
 */

/** Budget knobs. Defaults live in `SUPERVISOR_DEFAULTS.invalidRequests`. */
export interface InvalidRequestBudgetOptions {
  /** Discord's limit per window. @defaultValue 10000 */
  limit: number;
  /** Length of the sliding window. @defaultValue 600000 */
  windowMs: number;
  /** Fraction of `limit` at which new work is refused. @defaultValue 0.8 */
  refuseAtRatio: number;
  /** Bucket width; the window's precision. @defaultValue 1000 */
  bucketMs: number;
}

export class InvalidRequestBudget {
  readonly #options: InvalidRequestBudgetOptions;
  /** Bucket index (time / bucketMs) → count, oldest first (Map keeps insertion order). */
  readonly #buckets = new Map<number, number>();
  #total = 0;

  constructor(options: InvalidRequestBudgetOptions) {
    if (options.bucketMs <= 0 || options.windowMs < options.bucketMs) {
      throw new RangeError('bucketMs must be positive and no larger than windowMs');
    }
    this.#options = options;
  }

  /** The count at which `isExhausted` turns true. */
  get threshold(): number {
    return Math.floor(this.#options.limit * this.#options.refuseAtRatio);
  }

  /** Records `count` invalid answers seen at `now`. */
  record(now: number, count = 1): void {
    this.#prune(now);
    const bucket = Math.floor(now / this.#options.bucketMs);
    this.#buckets.set(bucket, (this.#buckets.get(bucket) ?? 0) + count);
    this.#total += count;
  }

  /** Invalid answers inside the window ending at `now`. */
  count(now: number): number {
    this.#prune(now);
    return this.#total;
  }

  /** Whether new deliveries and (re)starts should wait. */
  isExhausted(now: number): boolean {
    return this.count(now) >= this.threshold;
  }

  /** How long until the count falls back under the threshold (0 when it already is). */
  retryAfterMs(now: number): number {
    let remaining = this.count(now);
    if (remaining < this.threshold) return 0;
    const { bucketMs, windowMs } = this.#options;
    for (const [bucket, n] of this.#buckets) {
      remaining -= n;
      if (remaining < this.threshold) return Math.max(0, (bucket + 1) * bucketMs + windowMs - now);
    }
    return windowMs;
  }

  #prune(now: number): void {
    const { bucketMs, windowMs } = this.#options;
    // A bucket [b·w, (b+1)·w) has left the window once its end is at or before now − windowMs.
    const oldestKept = Math.floor((now - windowMs) / bucketMs);
    for (const [bucket, n] of this.#buckets) {
      if (bucket >= oldestKept) break;
      this.#buckets.delete(bucket);
      this.#total -= n;
    }
  }
}
