import type { RuleCounters } from './rules/index.js';

/** Deliveries older than this never count: a cap's day is at most 25 hours long (DST). */
const HORIZON_MS = 25 * 3_600_000;

/**
 * One account's recent deliveries, in memory: what the rules' cooldowns and daily caps count.
 * Seeded from ContentHistory when the account is first seen, then kept up to date by
 * `reserve` (before a delivery) and `release` (when it did not happen).
 */
export class DeliveryLedger {
  readonly #entries = new Map<number, { discordUserId: string; at: number }>();
  #nextId = 0;

  constructor(sent: Array<{ discordUserId: string; at: number }> = []) {
    for (const s of sent) this.#entries.set(this.#nextId++, s);
  }

  /** Counters for `evaluate()`; "today" starts at `dayStart` (epoch ms). */
  counters(discordUserId: string, dayStart: number): RuleCounters {
    let lastSentAt: number | undefined;
    let sentTodayFriend = 0;
    let sentTodayAccount = 0;
    for (const e of this.#entries.values()) {
      if (e.at >= dayStart) sentTodayAccount++;
      if (e.discordUserId !== discordUserId) continue;
      if (e.at >= dayStart) sentTodayFriend++;
      if (lastSentAt === undefined || e.at > lastSentAt) lastSentAt = e.at;
    }
    return { ...(lastSentAt === undefined ? {} : { lastSentAt }), sentTodayFriend, sentTodayAccount };
  }

  /** Counts a delivery about to be made; returns a handle for `release`. */
  reserve(discordUserId: string, at: number): number {
    this.#prune(at);
    const id = this.#nextId++;
    this.#entries.set(id, { discordUserId, at });
    return id;
  }

  /** The reserved delivery did not happen (skipped or failed): it no longer counts. */
  release(id: number): void {
    this.#entries.delete(id);
  }

  #prune(now: number): void {
    for (const [id, e] of this.#entries) if (now - e.at > HORIZON_MS) this.#entries.delete(id);
  }
}
