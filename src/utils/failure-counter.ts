/** Counts events per key in fixed windows (failed authentications per IP). Bounded in size. */
export class FailureCounter {
  readonly #counts = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  add(key: string): void {
    const now = this.now();
    const entry = this.#counts.get(key);
    if (entry && entry.resetAt > now) {
      entry.count++;
      return;
    }
    if (this.#counts.size >= this.maxKeys) this.#sweep(now);
    this.#counts.set(key, { count: 1, resetAt: now + this.windowMs });
  }

  /** Milliseconds until `key` may try again once it reached `limit` in this window; 0 if it may. */
  blockedFor(key: string, limit: number): number {
    const entry = this.#counts.get(key);
    if (!entry) return 0;
    const left = entry.resetAt - this.now();
    return left > 0 && entry.count >= limit ? left : 0;
  }

  #sweep(now: number): void {
    for (const [key, entry] of this.#counts) if (entry.resetAt <= now) this.#counts.delete(key);
    // Still full of live keys: forget the oldest rather than grow without bound.
    while (this.#counts.size >= this.maxKeys) this.#counts.delete(this.#counts.keys().next().value as string);
  }
}
