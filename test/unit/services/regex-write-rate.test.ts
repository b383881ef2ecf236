import { describe, expect, it } from 'vitest';
import { REGEX_WRITE_BURST, RegexWriteRate, RegexWriteRateError } from '../../../src/services/regex-write-rate.js';

describe('RegexWriteRate', () => {
  it('lets a burst through, then one write per 60/perMinute seconds, per user', () => {
    let now = 1_000_000;
    const rate = new RegexWriteRate(30, () => now);
    for (let i = 0; i < REGEX_WRITE_BURST; i += 1) rate.take('a');
    expect(() => rate.take('a')).toThrow(RegexWriteRateError);
    rate.take('b'); // another user has their own bucket
    now += 1_000;
    let refused: unknown;
    try {
      rate.take('a');
    } catch (err) {
      refused = err;
    }
    expect(refused).toMatchObject({ statusCode: 429, code: 'REGEX_WRITE_RATE_LIMITED', retryAfterS: 1 });
    now += 1_000; // 2 s at 30 per minute: one more
    rate.take('a');
    expect(() => rate.take('a')).toThrow(RegexWriteRateError);
  });

  it('never refuses with a rate of 0', () => {
    const rate = new RegexWriteRate(0);
    for (let i = 0; i < 100; i += 1) rate.take('a');
  });
});
