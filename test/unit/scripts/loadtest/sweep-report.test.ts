import { describe, expect, it } from 'vitest';
import { formatTarget, type Target } from '../../../../bench/lib/targets.js';
import {
  serverAndStoreCpuMsPerDelivered,
  serverCpuMsPerDelivered,
  storeCpuMsPerDelivered,
  storeCpuNote,
} from '../../../../scripts/loadtest/cpu-per-event.js';
import { bestPerSize, failedRow, type SweepRow, sweepMarkdown, sweepTargets } from '../../../../scripts/loadtest/sweep-report.js';

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

describe('sweepMarkdown', () => {
  it('prints the store process’s RSS beside its CPU, and — without one', () => {
    const opts = { rate: 200, friends: 5, duration: 30, warmup: 10 };
    const cells = (r: SweepRow) => (sweepMarkdown([r], opts).split('\n').find((l) => l.startsWith(`| ${r.accounts} |`)) ?? '').split(' | ');
    const header = sweepMarkdown([row(10, 50)], opts).split('\n').find((l) => l.startsWith('| accounts |'))?.split(' | ') ?? [];
    const storeCpu = header.indexOf('store CPU');
    expect(header[storeCpu + 1]).toBe('store RSS');
    expect(cells({ ...row(10, 50), storeCpuPct: 12, storeRssMiB: 84.6 }).slice(storeCpu, storeCpu + 2)).toEqual(['12 %', '85 MiB']);
    expect(cells(row(10, 50)).slice(storeCpu, storeCpu + 2)).toEqual(['—', '—']);
  });
});

describe('sweepTargets', () => {
  it('checks the largest size against the stored, delivered and CPU-per-event targets', () => {
    const small = { ...row(10, 500), storedP99: 400, serverCpuMsPerEvent: 3 };
    const large = { ...row(100, 80), storedP99: 60, serverCpuMsPerEvent: 0.4 };
    expect(sweepTargets([large, small], 200).map(formatTarget)).toEqual([
      '✘ stored p99, 100 accounts at 200 changes/s: 60.0 ms (target ≤ 50.0 ms)',
      '✔ delivered p99, 100 accounts at 200 changes/s: 80.0 ms (target ≤ 100.0 ms)',
      '✔ server CPU per delivered event, 100 accounts at 200 changes/s: 0.40 ms (target ≤ 0.50 ms)',
    ]);
  });
});

describe('serverCpuMsPerDelivered', () => {
  const samples = (...pcts: number[]) =>
    pcts.map((serverPct, at) => ({ at, serverPct, storePct: null, workersPct: 0, fakePct: 0, baselinePct: 0, harnessPct: 0, machinePct: 0 }));
  it('shares the server CPU of a phase among the events it delivered', () => {
    // 40 % of a core on average for 10 s = 4,000 ms of CPU over 2,000 deliveries.
    expect(serverCpuMsPerDelivered({ cpuSamples: samples(30, 50), durationS: 10, outcomes: { sent: 2000 } })).toBe(2);
    expect(serverCpuMsPerDelivered({ cpuSamples: samples(30), durationS: 10, outcomes: {} })).toBeNaN();
  });
});

describe('the store process’s CPU per delivered event', () => {
  const samples = (...pcts: Array<[server: number, store: number | null]>) =>
    pcts.map(([serverPct, storePct], at) => ({ at, serverPct, storePct, workersPct: 0, fakePct: 0, baselinePct: 0, harnessPct: 0, machinePct: 0 }));
  const phase = (cpuSamples: ReturnType<typeof samples>) => ({ cpuSamples, durationS: 10, outcomes: { sent: 2000 } });

  it('is reported apart from the server’s and added to it, a second without a store (restarting) counting 0', () => {
    // Server 40 % → 2 ms; store (20 + 0) / 2 = 10 % → 0.5 ms; together 2.5 ms.
    const withStore = phase(samples([30, 20], [50, null]));
    expect(serverCpuMsPerDelivered(withStore)).toBe(2);
    expect(storeCpuMsPerDelivered(withStore)).toBe(0.5);
    expect(serverAndStoreCpuMsPerDelivered(withStore)).toBe(2.5);
    expect(storeCpuNote([withStore])).toBe('server + store process 2.50 ms, store process alone 0.50 ms');
  });

  it('is not a number when the store ran inside the server, and server + store is then the server’s figure', () => {
    const inline = phase(samples([30, null], [50, null]));
    expect(storeCpuMsPerDelivered(inline)).toBeNaN();
    expect(serverAndStoreCpuMsPerDelivered(inline)).toBe(2);
    expect(storeCpuNote([inline, inline])).toBe('no store process (the store ran inside the server, whose figure includes it)');
  });

  it('goes beside the server’s target line in the sweep, which stays on the server process alone', () => {
    const large = { ...row(100, 80), storedP99: 40, serverCpuMsPerEvent: 0.4, storeCpuNote: 'server + store process 0.60 ms, store process alone 0.20 ms' };
    expect(formatTarget(sweepTargets([large], 200)[2] as Target)).toBe(
      '✔ server CPU per delivered event, 100 accounts at 200 changes/s: 0.40 ms (target ≤ 0.50 ms) — server + store process 0.60 ms, store process alone 0.20 ms',
    );
  });
});
