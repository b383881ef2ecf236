import { describe, expect, it } from 'vitest';
import { providerBackoffDelay } from '../../../../src/services/content/provider-backoff.js';

const policy = { initialMs: 1000, maxMs: 60_000, jitter: 0.2 };

describe('provider backoff', () => {
  it('doubles from the initial wait with each failure', () => {
    const waits = [1, 2, 3, 4].map((n) => providerBackoffDelay(n, policy, () => 0));
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never waits longer than the maximum', () => {
    expect(providerBackoffDelay(50, policy, () => 0)).toBe(60_000);
  });

  it('jitter only ever shortens the wait, by at most its fraction', () => {
    expect(providerBackoffDelay(1, policy, () => 0.999999)).toBe(800);
  });
});
