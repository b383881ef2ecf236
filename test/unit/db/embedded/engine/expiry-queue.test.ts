import { describe, expect, it } from 'vitest';
import { ExpiryQueue } from '../../../../../src/db/embedded/engine/expiry-queue.js';

describe('ExpiryQueue', () => {
  it('hands out exactly the entries due by each time, earliest first', () => {
    const queue = new ExpiryQueue();
    const entries: Array<[number, string]> = [];
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2_000; i++) {
      const due = Math.floor(random() * 10_000);
      entries.push([due, `d${i}`]);
      queue.push(due, `d${i}`);
    }
    const handed: string[] = [];
    for (const now of [-1, 0, 2_500, 2_500, 7_000, 10_000]) {
      const popped = queue.popDue(now);
      const dues = popped.map((id) => entries[Number(id.slice(1))]![0]);
      expect(dues.every((due) => due <= now)).toBe(true);
      expect(dues).toEqual([...dues].sort((a, b) => a - b));
      handed.push(...popped);
      const left = entries.filter(([due]) => due > now).length;
      expect(queue.size).toBe(left);
    }
    expect(handed.sort()).toEqual(entries.map(([, id]) => id).sort());
  });
});
