import { describe, expect, it } from 'vitest';
import { bestPerSize, failedRow, type SweepRow } from '../../../../scripts/loadtest/sweep-report.js';

const row = (accounts: number, deliveredP99: number): SweepRow => ({ ...failedRow(accounts, ''), problems: [], deliveredP99 });

describe('bestPerSize', () => {
  it('keeps each size once, its run with the lowest delivered p99, in ascending size', () => {
    const best = bestPerSize([row(50, 90), row(10, 40), row(10, 30), row(50, 120)]);
    expect(best.map((r) => [r.accounts, r.deliveredP99, r.runs])).toEqual([[10, 30, 2], [50, 90, 2]]);
  });

  it('prefers any measured run over one that failed', () => {
    const best = bestPerSize([failedRow(25, 'not ready'), row(25, 900)]);
    expect(best[0]?.deliveredP99).toBe(900);
  });
});
