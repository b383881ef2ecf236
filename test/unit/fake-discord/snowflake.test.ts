import { describe, expect, test } from 'vitest';
import { SnowflakeGenerator, snowflakeTimestamp } from '../../../fake-discord/snowflake.js';

describe('SnowflakeGenerator', () => {
  test('ids have 17 to 19 digits and encode the time they were made', () => {
    const now = Date.UTC(2026, 0, 1);
    const id = new SnowflakeGenerator({ now: () => now }).next();

    expect(id).toMatch(/^\d{17,19}$/);
    expect(snowflakeTimestamp(id)).toBe(now);
  });

  test('ids made within one millisecond are unique and increasing', () => {
    const ids = new SnowflakeGenerator({ now: () => 1_700_000_000_000 });

    const made = Array.from({ length: 10_000 }, () => BigInt(ids.next()));

    expect(new Set(made).size).toBe(made.length);
    expect(made.every((id, i) => i === 0 || id > (made[i - 1] ?? 0n))).toBe(true);
  });

  test('ids keep increasing when the clock steps back', () => {
    let now = 1_700_000_000_000;
    const ids = new SnowflakeGenerator({ now: () => now });
    const before = BigInt(ids.next());

    now -= 5_000;

    expect(BigInt(ids.next())).toBeGreaterThan(before);
  });

  test('the worker and process ids land in their bit fields', () => {
    const id = BigInt(new SnowflakeGenerator({ workerId: 3, processId: 5, now: () => 1_700_000_000_000 }).next());

    expect((id >> 17n) & 31n).toBe(3n);
    expect((id >> 12n) & 31n).toBe(5n);
  });
});
