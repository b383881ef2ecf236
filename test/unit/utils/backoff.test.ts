import { describe, expect, it } from 'vitest';
import { exponentialDelay } from '../../../src/utils/backoff.js';

describe('exponentialDelay', () => {
  it('doubles from the base with each step, step 0 being the base', () => {
    expect([0, 1, 2, 3].map((step) => exponentialDelay(step, 500))).toEqual([500, 1000, 2000, 4000]);
  });

  it('never exceeds the maximum, even for huge steps', () => {
    expect(exponentialDelay(3, 1000, 5000)).toBe(5000);
    expect(exponentialDelay(10_000, 1000, 60_000)).toBe(60_000);
    expect(Number.isFinite(exponentialDelay(10_000, 1000))).toBe(true);
  });

  it('treats a negative step as the first', () => {
    expect(exponentialDelay(-1, 250)).toBe(250);
  });
});
