import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DeliveryLedger } from '../../../src/services/delivery-ledger.js';

const HOUR = 3_600_000;
const DAY_START = Date.UTC(2026, 10, 25);

describe('DeliveryLedger', () => {
  it('counts what was sent today per friend and per account, and the last send', () => {
    const ledger = new DeliveryLedger([
      { discordUserId: 'a', at: DAY_START - HOUR },
      { discordUserId: 'a', at: DAY_START + HOUR },
      { discordUserId: 'b', at: DAY_START + 2 * HOUR },
    ]);
    expect(ledger.counters('a', DAY_START)).toEqual({ lastSentAt: DAY_START + HOUR, sentTodayFriend: 1, sentTodayAccount: 2 });
    expect(ledger.counters('c', DAY_START)).toEqual({ sentTodayFriend: 0, sentTodayAccount: 2 });
  });

  it('counts a reservation at once and forgets it when released', () => {
    const ledger = new DeliveryLedger();
    const id = ledger.reserve('a', DAY_START + HOUR);
    expect(ledger.counters('a', DAY_START)).toMatchObject({ sentTodayFriend: 1, lastSentAt: DAY_START + HOUR });
    ledger.release(id);
    expect(ledger.counters('a', DAY_START)).toEqual({ sentTodayFriend: 0, sentTodayAccount: 0 });
  });

  it('drops deliveries older than a day and an hour when it records a new one', () => {
    const ledger = new DeliveryLedger([{ discordUserId: 'a', at: DAY_START - 30 * HOUR }]);
    ledger.reserve('b', DAY_START);
    expect(ledger.counters('a', 0)).toEqual({ sentTodayFriend: 0, sentTodayAccount: 1 });
  });
});

/** What the ledger must answer, computed the slow way: every delivery kept, every one scanned. */
class ReferenceLedger {
  readonly entries = new Map<number, { discordUserId: string; at: number }>();
  counters(discordUserId: string, dayStart: number) {
    let lastSentAt: number | undefined;
    let sentTodayFriend = 0;
    let sentTodayAccount = 0;
    for (const e of this.entries.values()) {
      if (e.at >= dayStart) sentTodayAccount++;
      if (e.discordUserId !== discordUserId) continue;
      if (e.at >= dayStart) sentTodayFriend++;
      if (lastSentAt === undefined || e.at > lastSentAt) lastSentAt = e.at;
    }
    return { ...(lastSentAt === undefined ? {} : { lastSentAt }), sentTodayFriend, sentTodayAccount };
  }
  prune(now: number) {
    for (const [id, e] of this.entries) if (now - e.at > 25 * HOUR) this.entries.delete(id);
  }
}

describe('DeliveryLedger over many deliveries', () => {
  it('answers as a full scan would through thousands of reservations, releases, clock steps back and the horizon', () => {
    // A fixed pseudo-random sequence (mulberry32), so a failure can be replayed.
    let seed = 17;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const friends = ['a', 'b', 'c', 'd', 'e'];
    const seedSent = Array.from({ length: 200 }, () => ({
      discordUserId: friends[Math.floor(random() * friends.length)]!,
      at: DAY_START - Math.floor(random() * 30 * HOUR),
    }));
    const ledger = new DeliveryLedger(seedSent);
    const reference = new ReferenceLedger();
    seedSent.forEach((s, i) => reference.entries.set(-1 - i, s));
    const reservations: Array<{ mine: number; theirs: number }> = [];
    let now = DAY_START;
    let theirId = 0;
    for (let step = 0; step < 5_000; step++) {
      // Mostly forward by up to 2 minutes, sometimes a step back, sometimes a jump of hours.
      const r = random();
      now += r < 0.05 ? -Math.floor(random() * 10 * 60_000) : r < 0.07 ? Math.floor(random() * 6 * HOUR) : Math.floor(random() * 120_000);
      const friend = friends[Math.floor(random() * friends.length)]!;
      const dayStart = now - Math.floor(random() * 24 * HOUR);
      // expect() only on a difference: 5,000 of its calls were most of the test's time.
      const got = ledger.counters(friend, dayStart);
      const want = reference.counters(friend, dayStart);
      if (!isDeepStrictEqual(got, want)) expect(got, `step ${step}`).toEqual(want);
      if (random() < 0.1 && reservations.length > 0) {
        // Releases concern recent reservations (a send that failed or was skipped).
        const from = Math.max(0, reservations.length - 20);
        const [released] = reservations.splice(from + Math.floor(random() * (reservations.length - from)), 1);
        ledger.release(released!.mine);
        reference.entries.delete(released!.theirs);
      } else {
        reference.prune(now);
        const theirs = theirId++;
        reference.entries.set(theirs, { discordUserId: friend, at: now });
        reservations.push({ mine: ledger.reserve(friend, now), theirs });
      }
    }
    // The horizon was crossed many times over: only the last 25 hours' worth is kept.
    expect(reference.entries.size).toBeLessThan(3_000);
  });
});
