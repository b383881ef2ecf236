import { describe, expect, it } from 'vitest';
import { forEachInSlices } from '../../../src/utils/in-slices.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('forEachInSlices', () => {
  it('does the first slice at once and one more slice per turn of the event loop, in order', async () => {
    const seen: number[] = [];
    const done = forEachInSlices(range(25), 10, (i) => seen.push(i));
    expect(seen).toEqual(range(10));
    // Queued after the second slice: runs between it and the third.
    const between = nextTurn().then(() => [...seen]);
    expect(await between).toEqual(range(20));
    await done;
    expect(seen).toEqual(range(25));
  });

  it('stops at the first error and rejects with it', async () => {
    const seen: number[] = [];
    const done = forEachInSlices(range(5), 2, (i) => {
      if (i === 3) throw new Error('boom');
      seen.push(i);
    });
    await expect(done).rejects.toThrow('boom');
    expect(seen).toEqual([0, 1, 2]);
  });

  it('resolves at once for no items', async () => {
    let calls = 0;
    await forEachInSlices([], 10, () => calls++);
    expect(calls).toBe(0);
  });
});
