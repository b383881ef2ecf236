import { describe, expect, it } from 'vitest';
import { storeMemoryAtEnd } from '../../../../scripts/loadtest/report.js';
import type { MemoryTotals } from '../../../../scripts/loadtest/result-types.js';

const MiB = 2 ** 20;
const totals = (at: number, store: MemoryTotals['store']): MemoryTotals => ({ at, workers: 0, rss: 0, pss: 0, uss: 0, server: null, store });

describe('the store process’s memory beside its CPU', () => {
  it('is its last sample of the phase, skipping samples taken while it restarted', () => {
    const memory = [
      totals(1, { rss: 70 * MiB, pss: 50 * MiB, uss: 40 * MiB }),
      totals(2, { rss: 90 * MiB, pss: 61.25 * MiB, uss: 55 * MiB }),
      totals(3, null),
    ];
    expect(storeMemoryAtEnd({ memory })).toBe('RSS 90.0 MiB, PSS 61.3 MiB');
  });

  it('is absent when the phase had no store process', () => {
    expect(storeMemoryAtEnd({ memory: [totals(1, null)] })).toBeUndefined();
  });
});
