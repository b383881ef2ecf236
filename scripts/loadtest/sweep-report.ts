/** The sweep's table, verdict and plots: one row per account count. */
import type { Target } from '../../bench/lib/targets.js';
import { serverAndStoreCpuMsPerDelivered, serverCpuMsPerDelivered, storeCpuNote } from './cpu-per-event.js';
import type { LoadTestResult } from './result-types.js';
import { fmtMiB, fmtMs } from './report.js';
import { lineChart } from './svg-chart.js';

/** The targets (stored p99 ≤ 50 ms, delivered p99 ≤ 100 ms, server CPU ≤ 0.5 ms per delivered event; docs/performance.md), checked at the sweep's rate. */
export const SWEEP_TARGETS = { storedP99Ms: 50, deliveredP99Ms: 100, cpuMsPerEvent: 0.5 } as const;

export interface SweepRow {
  accounts: number;
  allReadyS: number;
  medianReadyS: number;
  achievedRate: number;
  storedP50: number;
  storedP99: number;
  deliveredP50: number;
  deliveredP99: number;
  pssPerWorkerMiB: number;
  rssPerWorkerMiB: number;
  pssTotalMiB: number;
  rssTotalMiB: number;
  serverRssMiB: number;
  serverCpuPct: number;
  /** Server CPU per delivered event, ms (target ≤ 0.5 ms). */
  serverCpuMsPerEvent: number;
  /** The embedded store's own process, % of one core; NaN when the store runs inside the server. */
  storeCpuPct: number;
  /** The embedded store's own process at the end, MiB; NaN when it has none. */
  storeRssMiB: number;
  /** Server + its store process per delivered event, ms (= the server's when the store runs inside it). */
  serverAndStoreCpuMsPerEvent: number;
  /** Says what the store's CPU was, beside the server's target line. */
  storeCpuNote: string;
  /** The whole machine during the load, % of one core (others' work included). */
  machineCpuPct: number;
  lost: number;
  duplicated: number;
  allReady: boolean;
  withinTargets: boolean;
  problems: string[];
  /** How many runs of this size the row is the best of. */
  runs?: number;
}

const MiB = 2 ** 20;

export function sweepRow(result: LoadTestResult): SweepRow {
  const phase = result.phases[result.phases.length - 1];
  const l = phase?.latency;
  const row = {
    accounts: result.options.accounts,
    allReadyS: result.setup.allReadyMs / 1000,
    medianReadyS: (result.setup.readyMs[Math.floor(result.setup.readyMs.length / 2)] ?? Number.NaN) / 1000,
    achievedRate: phase?.driver.achievedRate ?? Number.NaN,
    storedP50: l?.stored.p50 ?? Number.NaN,
    storedP99: l?.stored.p99 ?? Number.NaN,
    deliveredP50: l?.delivered.p50 ?? Number.NaN,
    deliveredP99: l?.delivered.p99 ?? Number.NaN,
    pssPerWorkerMiB: result.memory.perWorkerMedian.pss / MiB,
    rssPerWorkerMiB: result.memory.perWorkerMedian.rss / MiB,
    pssTotalMiB: result.memory.totals.pss / MiB,
    rssTotalMiB: result.memory.totals.rss / MiB,
    serverRssMiB: (result.memory.server?.rss ?? Number.NaN) / MiB,
    serverCpuPct: phase?.cpu.serverMeanPct ?? Number.NaN,
    serverCpuMsPerEvent: phase ? serverCpuMsPerDelivered(phase) : Number.NaN,
    storeCpuPct: phase?.cpu.storeMeanPct ?? Number.NaN,
    storeRssMiB: (result.memory.store?.rss ?? Number.NaN) / MiB,
    serverAndStoreCpuMsPerEvent: phase ? serverAndStoreCpuMsPerDelivered(phase) : Number.NaN,
    storeCpuNote: phase ? storeCpuNote([phase]) : '',
    machineCpuPct: phase?.cpu.machineMeanPct ?? Number.NaN,
    lost: result.reconciliation.lost,
    duplicated: result.reconciliation.duplicated,
    allReady: result.workers.allReady,
    problems: result.problems,
  };
  const rateHeld = row.achievedRate >= result.options.rate * 0.95;
  const withinTargets =
    rateHeld && row.storedP99 <= SWEEP_TARGETS.storedP99Ms && row.deliveredP99 <= SWEEP_TARGETS.deliveredP99Ms && result.problems.length === 0;
  return { ...row, withinTargets };
}

/**
 * Each size's best run: the one with the lowest delivered p99 (a run that failed loses). Other
 * people's load on a shared machine only ever makes a run slower, so the best run is the closest
 * to what the system itself does.
 */
export function bestPerSize(runs: readonly SweepRow[]): SweepRow[] {
  const best = new Map<number, SweepRow & { runs: number }>();
  for (const run of runs) {
    const current = best.get(run.accounts);
    const score = (r: SweepRow) => (Number.isFinite(r.deliveredP99) ? r.deliveredP99 : Number.POSITIVE_INFINITY);
    const runsSoFar = (current?.runs ?? 0) + 1;
    if (!current || score(run) < score(current)) best.set(run.accounts, { ...run, runs: runsSoFar });
    else current.runs = runsSoFar;
  }
  return [...best.values()].sort((a, b) => a.accounts - b.accounts);
}

/** The row of a size whose run failed before it could measure. */
export function failedRow(accounts: number, problem: string): SweepRow {
  const nan = Number.NaN;
  return {
    accounts,
    allReadyS: nan,
    medianReadyS: nan,
    achievedRate: nan,
    storedP50: nan,
    storedP99: nan,
    deliveredP50: nan,
    deliveredP99: nan,
    pssPerWorkerMiB: nan,
    rssPerWorkerMiB: nan,
    pssTotalMiB: nan,
    rssTotalMiB: nan,
    serverRssMiB: nan,
    serverCpuPct: nan,
    serverCpuMsPerEvent: nan,
    storeCpuPct: nan,
    storeRssMiB: nan,
    serverAndStoreCpuMsPerEvent: nan,
    storeCpuNote: '',
    machineCpuPct: nan,
    lost: nan,
    duplicated: nan,
    allReady: false,
    withinTargets: false,
    problems: [`run failed: ${problem}`],
  };
}

export function sweepMarkdown(rows: readonly SweepRow[], opts: { rate: number; friends: number; duration: number; warmup: number }): string {
  const ok = rows.filter((r) => r.withinTargets).map((r) => r.accounts);
  const largest = ok.length > 0 ? Math.max(...ok) : null;
  const mark = (v: number, limit: number) => `${fmtMs(v)} ${v <= limit ? '✔' : '✘'}`;
  return [
    `# Scaling sweep — ${opts.rate} presence changes/s, ${opts.friends} friends per account, ${opts.duration} s per size after a ${opts.warmup} s warm-up, every event delivered`,
    '',
    ...(rows.some((r) => (r.runs ?? 1) > 1) ? ['Each size: the best of its runs (lowest delivered p99); every run is in sweep.json.', ''] : []),
    '| accounts | all ready | median ready | changes/s held | stored p50 | stored p99 (≤ 50 ms) | delivered p50 | delivered p99 (≤ 100 ms) | PSS / worker | RSS / worker | PSS all workers | RSS all workers | server RSS | server CPU | store CPU | store RSS | server CPU / delivered event | server + store CPU / delivered event | machine CPU | lost / dup | within targets |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.accounts} | ${r.allReadyS.toFixed(1)} s | ${r.medianReadyS.toFixed(1)} s | ${r.achievedRate.toFixed(0)} | ${fmtMs(r.storedP50)} | ${mark(r.storedP99, SWEEP_TARGETS.storedP99Ms)} | ${fmtMs(r.deliveredP50)} | ${mark(r.deliveredP99, SWEEP_TARGETS.deliveredP99Ms)} | ${r.pssPerWorkerMiB.toFixed(1)} MiB | ${r.rssPerWorkerMiB.toFixed(1)} MiB | ${fmtMiB(r.pssTotalMiB * MiB)} | ${fmtMiB(r.rssTotalMiB * MiB)} | ${r.serverRssMiB.toFixed(0)} MiB | ${Math.round(r.serverCpuPct)} % | ${Number.isFinite(r.storeCpuPct) ? `${Math.round(r.storeCpuPct)} %` : '—'} | ${Number.isFinite(r.storeRssMiB) ? `${r.storeRssMiB.toFixed(0)} MiB` : '—'} | ${r.serverCpuMsPerEvent.toFixed(2)} ms | ${r.serverAndStoreCpuMsPerEvent.toFixed(2)} ms | ${Math.round(r.machineCpuPct)} % | ${r.lost} / ${r.duplicated} | ${r.withinTargets ? 'yes' : 'no'} |`,
    ),
    '',
    largest === null
      ? `**No size held the targets** (stored p99 ≤ ${SWEEP_TARGETS.storedP99Ms} ms and delivered p99 ≤ ${SWEEP_TARGETS.deliveredP99Ms} ms at ${opts.rate}/s, nothing lost).`
      : `**Largest size within the targets: ${largest} accounts** (stored p99 ≤ ${SWEEP_TARGETS.storedP99Ms} ms and delivered p99 ≤ ${SWEEP_TARGETS.deliveredP99Ms} ms at ${opts.rate}/s, nothing lost or duplicated, every worker ready).`,
    '',
    ...rows.filter((r) => r.problems.length > 0).map((r) => `- ${r.accounts} accounts: ${r.problems.join('; ')}`),
    '',
    '![ready time vs accounts](ready-vs-accounts.svg)',
    '',
    '![memory vs accounts](memory-vs-accounts.svg)',
    '',
    '![latency vs accounts](latency-vs-accounts.svg)',
    '',
  ].join('\n');
}

export function sweepCharts(rows: readonly SweepRow[]): Record<string, string> {
  const series = (name: string, f: (r: SweepRow) => number) => ({ name, points: rows.map((r) => [r.accounts, f(r)] as const) });
  return {
    'ready-vs-accounts.svg': lineChart({
      title: 'Start-up: first start request → accounts ready',
      xLabel: 'accounts',
      yLabel: 'seconds',
      series: [series('all ready', (r) => r.allReadyS), series('median account ready', (r) => r.medianReadyS)],
    }),
    'memory-vs-accounts.svg': lineChart({
      title: 'Memory of all workers together (and the server, its store process)',
      xLabel: 'accounts',
      yLabel: 'MiB',
      series: [
        series('RSS (sum)', (r) => r.rssTotalMiB),
        series('PSS (sum)', (r) => r.pssTotalMiB),
        series('server RSS', (r) => r.serverRssMiB),
        ...(rows.some((r) => Number.isFinite(r.storeRssMiB)) ? [series('store process RSS', (r) => r.storeRssMiB)] : []),
      ],
    }),
    'latency-vs-accounts.svg': lineChart({
      title: 'Latency under load vs accounts',
      xLabel: 'accounts',
      yLabel: 'ms (log scale)',
      logY: true,
      series: [
        series('stored p50', (r) => r.storedP50),
        series('stored p99', (r) => r.storedP99),
        series('delivered p50', (r) => r.deliveredP50),
        series('delivered p99', (r) => r.deliveredP99),
      ],
      reference: { y: SWEEP_TARGETS.deliveredP99Ms, label: 'delivered p99 target 100 ms' },
    }),
  };
}

/**
 * The issue-17 targets for the largest size swept (100 accounts by default): stored p99 ≤ 50 ms,
 * delivered p99 ≤ 100 ms, server CPU per delivered event ≤ 0.5 ms, at the sweep's rate.
 */
export function sweepTargets(rows: readonly SweepRow[], rate: number): Target[] {
  const top = rows.reduce<SweepRow | undefined>((a, r) => (a === undefined || r.accounts > a.accounts ? r : a), undefined);
  if (!top) return [];
  const load = `${top.accounts} accounts at ${rate} changes/s`;
  const ms = { op: '≤', unit: ' ms' } as const;
  return [
    { name: `stored p99, ${load}`, measured: top.storedP99, limit: SWEEP_TARGETS.storedP99Ms, digits: 1, ...ms },
    { name: `delivered p99, ${load}`, measured: top.deliveredP99, limit: SWEEP_TARGETS.deliveredP99Ms, digits: 1, ...ms },
    // The server process's figure; server + store beside it, so that neither is read for the other.
    { name: `server CPU per delivered event, ${load}`, measured: top.serverCpuMsPerEvent, limit: SWEEP_TARGETS.cpuMsPerEvent, ...ms, ...(top.storeCpuNote ? { note: top.storeCpuNote } : {}) },
  ];
}
