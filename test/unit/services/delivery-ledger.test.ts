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
