import type { RuleCounters } from './rules/index.js';
import { TimeSeries } from '../utils/time-series.js';

/** Deliveries older than this never count: a cap's day is at most 25 hours long (DST). */
const HORIZON_MS = 25 * 3_600_000;

/**
 * One account's recent deliveries, in memory: what the rules' cooldowns and daily caps count.
 * Seeded from ContentHistory when the account is first seen, then kept up to date by
 * `reserve` (before a delivery) and `release` (when it did not happen).
 *
 * Kept as time-ordered series (the account's and each friend's), so an event's counters cost a
 * binary search and a reservation an append, however many deliveries the last 25 hours hold —
 * an account without caps at a few events a second collects hundreds of thousands a day.
 */
export class DeliveryLedger {
  readonly #all = new TimeSeries();
  readonly #byFriend = new Map<string, TimeSeries>();
  /** Reservation id → its friend, for `release`. */
  readonly #friendOf = new Map<number, string>();
  #nextId = 0;

  constructor(sent: Array<{ discordUserId: string; at: number }> = []) {
    // ContentHistory answers in no particular order; appending in time order avoids inserts.
    for (const s of [...sent].sort((a, b) => a.at - b.at)) this.#add(s.discordUserId, s.at);
  }

  /** Counters for `evaluate()`; "today" starts at `dayStart` (epoch ms). */
  counters(discordUserId: string, dayStart: number): RuleCounters {
    const friend = this.#byFriend.get(discordUserId);
    const lastSentAt = friend?.lastAt();
    return {
      ...(lastSentAt === undefined ? {} : { lastSentAt }),
      sentTodayFriend: friend?.countSince(dayStart) ?? 0,
      sentTodayAccount: this.#all.countSince(dayStart),
    };
  }

  /** Counts a delivery about to be made; returns a handle for `release`. */
  reserve(discordUserId: string, at: number): number {
    this.#prune(at - HORIZON_MS);
    return this.#add(discordUserId, at);
  }

  /** The reserved delivery did not happen (skipped or failed): it no longer counts. */
  release(id: number): void {
    const discordUserId = this.#friendOf.get(id);
    if (discordUserId === undefined) return;
    this.#friendOf.delete(id);
    this.#all.remove(id);
    const friend = this.#byFriend.get(discordUserId);
    friend?.remove(id);
    if (friend?.size === 0) this.#byFriend.delete(discordUserId);
  }

  #add(discordUserId: string, at: number): number {
    const id = this.#nextId++;
    this.#all.add(id, at);
    let friend = this.#byFriend.get(discordUserId);
    if (!friend) this.#byFriend.set(discordUserId, (friend = new TimeSeries()));
    friend.add(id, at);
    this.#friendOf.set(id, discordUserId);
    return id;
  }

  /** Forgets deliveries made before `before`. */
  #prune(before: number): void {
    this.#all.dropBefore(before, (id) => {
      const discordUserId = this.#friendOf.get(id);
      this.#friendOf.delete(id);
      if (discordUserId === undefined) return;
      const friend = this.#byFriend.get(discordUserId);
      friend?.dropBefore(before);
      if (friend?.size === 0) this.#byFriend.delete(discordUserId);
    });
  }
}
