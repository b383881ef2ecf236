/**
 * Access tokens verified lately, by the exact `Authorization` header: a client polling the API
 * costs one JWT verification per token and TTL, not one per request. Looked up by the header
 * text itself — the same text is the same token, so it verifies the same way until it expires —
 * which skips what the JWT library's own cache does on every hit (decode the token, hash it).
 * An entry lasts until the token expires or the TTL ends, whichever is first; past `max`
 * entries the oldest goes.
 */
export class VerifiedTokens<User> {
  readonly #entries = new Map<string, { user: User; until: number }>();

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
  ) {}

  get(header: string, now = Date.now()): User | undefined {
    const entry = this.#entries.get(header);
    if (entry === undefined) return undefined;
    if (entry.until > now) return entry.user;
    this.#entries.delete(header);
    return undefined;
  }

  /** `expiresAtMs`: the token's `exp`, in ms. */
  remember(header: string, user: User, expiresAtMs: number | undefined, now = Date.now()): void {
    const until = Math.min(expiresAtMs ?? Number.POSITIVE_INFINITY, now + this.ttlMs);
    if (until <= now) return;
    this.#entries.delete(header);
    this.#entries.set(header, { user, until });
    if (this.#entries.size > this.max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
