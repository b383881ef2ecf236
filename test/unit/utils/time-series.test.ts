import { describe, expect, it } from 'vitest';
import { TimeSeries } from '../../../src/utils/time-series.js';

describe('TimeSeries', () => {
  it('counts the entries at or after an instant, the newest first and out-of-order ones in place', () => {
    const series = new TimeSeries();
    series.add(1, 10);
    series.add(2, 20);
    series.add(3, 20);
    series.add(4, 15); // a step back
    expect(series.size).toBe(4);
    expect([series.countSince(0), series.countSince(15), series.countSince(16), series.countSince(20), series.countSince(21)]).toEqual([4, 3, 2, 2, 0]);
    expect(series.lastAt()).toBe(20);
  });

  it('removes by id and drops the oldest, telling which ids went', () => {
    const series = new TimeSeries();
    for (let i = 0; i < 5; i++) series.add(i, i * 10);
    expect(series.remove(3)).toBe(true);
    expect(series.remove(3)).toBe(false);
    const dropped: number[] = [];
    series.dropBefore(20, (id) => dropped.push(id));
    expect(dropped).toEqual([0, 1]);
    expect([series.size, series.countSince(0), series.lastAt()]).toEqual([2, 2, 40]);
    series.dropBefore(100);
    expect([series.size, series.lastAt()]).toEqual([0, undefined]);
    series.add(9, 5);
    expect([series.size, series.countSince(5)]).toEqual([1, 1]);
  });

  it('keeps its answers through many drops, when it compacts what was dropped', () => {
    const series = new TimeSeries();
    for (let i = 0; i < 5_000; i++) series.add(i, i);
    series.dropBefore(3_000);
    expect([series.size, series.countSince(4_000), series.lastAt()]).toEqual([2_000, 1_000, 4_999]);
    series.add(5_000, 5_000);
    expect(series.remove(3_000)).toBe(true);
    expect([series.size, series.countSince(0)]).toEqual([2_000, 2_000]);
  });
});
