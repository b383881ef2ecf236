import { describe, expect, test } from 'vitest';
import { dispatchFrame, ReplayBuffer } from '../../../../fake-discord/gateway/replay-buffer.js';

function filled(capacity: number, count: number): ReplayBuffer {
  const buffer = new ReplayBuffer(capacity);
  for (let s = 1; s <= count; s++) buffer.push({ s, t: 'PRESENCE_UPDATE', d: `{"n":${s}}` });
  return buffer;
}

describe('ReplayBuffer', () => {
  test('returns the dispatches after a sequence number, oldest first', () => {
    expect(filled(10, 5).after(2, 5)?.map((d) => d.s)).toEqual([3, 4, 5]);
  });

  test('returns nothing to replay for a client that is up to date', () => {
    expect(filled(10, 5).after(5, 5)).toEqual([]);
  });

  test('keeps only the newest dispatches once full', () => {
    expect(filled(3, 10).after(7, 10)?.map((d) => d.s)).toEqual([8, 9, 10]);
  });

  test('refuses a client that is further behind than what is kept', () => {
    expect(filled(3, 10).after(6, 10)).toBeNull();
  });

  test('refuses a sequence number that was never sent', () => {
    expect(filled(3, 10).after(11, 10)).toBeNull();
  });

  test('frames a dispatch as gateway JSON', () => {
    expect(JSON.parse(dispatchFrame({ s: 4, t: 'RESUMED', d: '{"a":1}' }))).toEqual({ op: 0, t: 'RESUMED', s: 4, d: { a: 1 } });
  });
});
