import { randomBytes } from 'node:crypto';

export interface Ticket<U> {
  user: U;
  /** Until when the stream it opens may stay open (the access token's expiry, epoch ms). */
  validUntil: number;
}

/**
 * Short-lived single-use tickets for browsers' EventSource, which cannot send an Authorization
 * header: a client trades its bearer token for a ticket and puts the ticket (never the token) in
 * the stream's URL. A ticket works once, for `ttlMs`.
 */
export class TicketStore<U> {
  readonly #tickets = new Map<string, Ticket<U> & { expiresAt: number }>();

  constructor(
    readonly ttlMs = 30_000,
    private readonly maxTickets = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  issue(ticket: Ticket<U>): string {
    this.#sweep();
    if (this.#tickets.size >= this.maxTickets) {
      const oldest = this.#tickets.keys().next().value;
      if (oldest !== undefined) this.#tickets.delete(oldest);
    }
    const id = randomBytes(24).toString('base64url');
    this.#tickets.set(id, { ...ticket, expiresAt: this.now() + this.ttlMs });
    return id;
  }

  /** The ticket's holder, once: a second use, an expired or unknown ticket gives undefined. */
  redeem(id: string): Ticket<U> | undefined {
    const found = this.#tickets.get(id);
    if (!found) return undefined;
    this.#tickets.delete(id);
    return found.expiresAt > this.now() ? { user: found.user, validUntil: found.validUntil } : undefined;
  }

  #sweep(): void {
    const now = this.now();
    // Insertion order is expiry order: stop at the first live one.
    for (const [id, t] of this.#tickets) {
      if (t.expiresAt > now) break;
      this.#tickets.delete(id);
    }
  }
}
