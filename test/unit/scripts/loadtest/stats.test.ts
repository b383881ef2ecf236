import { describe, expect, it } from 'vitest';
import { perSecond, percentile, spread, summarize } from '../../../../scripts/loadtest/stats.js';

describe('latency statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('summarises unsorted samples', () => {
    expect(summarize([30, 10, 20])).toEqual({ count: 3, p50: 20, p95: 30, p99: 30, max: 30, mean: 20 });
  });

  it('reports an empty sample as NaN figures with count 0', () => {
    const s = summarize([]);
    expect(s.count).toBe(0);
    expect(s.p99).toBeNaN();
  });

  it('gives the median of an even number of rounds as the mean of the middle two', () => {
    expect(spread([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
  });

  it('groups samples by whole second since the origin', () => {
    const grouped = perSecond([{ at: 1_000, value: 5 }, { at: 1_999, value: 7 }, { at: 3_100, value: 1 }], 1_000);
    expect(grouped.map((g) => [g.second, g.count, g.max])).toEqual([[0, 2, 7], [2, 1, 1]]);
  });
});
