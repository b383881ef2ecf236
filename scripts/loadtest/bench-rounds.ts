/**
 * What bench/activity.ts and bench/pipeline.ts share: one load rig, a warm-up phase, then
 * several measured rounds on the same accounts, each figure reported as the median and range
 * over rounds, and ratios to the baseline taken per round (so drift on a shared machine hits
 * both sides of a ratio alike).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { LoadRig } from './load-rig.js';
import { defaultOutDir, type LoadTestOptions, parseServerEnv, resolveOptions } from './options.js';
import { progressPrinter } from './progress.js';
import { fmtMs, writeReport } from './report.js';
import type { LoadTestResult, PhaseResult } from './result-types.js';
import { type Spread, spread } from './stats.js';

export interface BenchMetric {
  label: string;
  pick: (phase: PhaseResult) => number;
  /** Shown beside the figure, e.g. "p99 ≤ 50 ms". */
  target?: { text: string; holds: (value: number) => boolean };
}

export interface BenchRatio {
  label: string;
  numerator: (phase: PhaseResult) => number;
  denominator: (phase: PhaseResult) => number;
}

export interface BenchSpec {
  /** Folder prefix under results/. */
  name: string;
  title: string;
  /** What the bench measures and how, printed above the tables. */
  description: string[];
  options: Partial<LoadTestOptions>;
  metrics: BenchMetric[];
  ratios: BenchRatio[];
}

/** Knobs every bench reads from the environment, with the bench's own defaults. */
export function benchEnv(defaults: { accounts: number; friends: number; rate: number }) {
  const num = (name: string, fallback: number) => {
    const raw = process.env[name];
    return raw === undefined || raw === '' ? fallback : Number(raw);
  };
  return {
    accounts: num('BENCH_ACCOUNTS', defaults.accounts),
    friends: num('BENCH_FRIENDS', defaults.friends),
    rate: num('BENCH_RATE', defaults.rate),
    rounds: num('BENCH_ROUNDS', 5),
    durationS: num('BENCH_DURATION_S', 10),
    warmupS: num('BENCH_WARMUP_S', 3),
    ref: process.env.BENCH_REF || undefined,
    /** Extra node flags for the server, space-separated (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). */
    serverNodeArgs: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
    /** Extra server environment, space-separated `KEY=VALUE` (e.g. `WORKER_NICENESS=0` for an A/B). */
    serverEnv: parseServerEnv((process.env.BENCH_SERVER_ENV ?? '').split(' ').filter(Boolean)),
  };
}

const fmtRange = (s: Spread, fmt: (v: number) => string) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
const fmtRatio = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');

export function benchMarkdown(spec: BenchSpec, rounds: readonly PhaseResult[], result: LoadTestResult): string {
  const o = result.options;
  const r = result.reconciliation;
  return [
    `## ${spec.title}`,
    '',
    ...spec.description,
    '',
    `${o.accounts} accounts × ${o.friends} friends, ${rounds.length} rounds × ${rounds[0]?.durationS ?? 0} s at ${o.rate} changes/s after a warm-up; build: ${result.build}; ${result.machine.cpus} cores, load average ${result.machine.loadAverageStart.map((v) => v.toFixed(1)).join('/')} at the start (shared machine).`,
    '',
    '| figure | median (min–max over rounds) | target |',
    '| --- | --- | --- |',
    `| changes/s sent | ${fmtRange(spread(rounds.map((p) => p.driver.achievedRate)), (v) => v.toFixed(0))} | ${o.rate}/s |`,
    ...spec.metrics.map((m) => {
      const s = spread(rounds.map(m.pick));
      const verdict = m.target ? `${m.target.text} ${m.target.holds(s.median) ? '✔' : '✘'}` : '';
      return `| ${m.label} | ${fmtRange(s, fmtMs)} | ${verdict} |`;
    }),
    ...spec.ratios.map((q) => `| **${q.label}** | ${fmtRange(spread(rounds.map((p) => q.numerator(p) / q.denominator(p))), fmtRatio)} | |`),
    '',
    `Events: ${r.expected} expected, ${r.lost} lost, ${r.duplicated} duplicated, ${r.unexpected} unexpected. Memory per worker (median): PSS ${(result.memory.perWorkerMedian.pss / 2 ** 20).toFixed(1)} MiB, RSS ${(result.memory.perWorkerMedian.rss / 2 ** 20).toFixed(1)} MiB${result.memory.store ? `; store process at the end: RSS ${(result.memory.store.rss / 2 ** 20).toFixed(1)} MiB, PSS ${(result.memory.store.pss / 2 ** 20).toFixed(1)} MiB` : ''}. CPU per round (median, % of one core): server ${rounds.map((p) => `${Math.round(p.cpu.serverMeanPct)}`).join(', ')}; store process ${rounds.map((p) => (Number.isFinite(p.cpu.storeMeanPct) ? `${Math.round(p.cpu.storeMeanPct)}` : '—')).join(', ')}; workers ${rounds.map((p) => `${Math.round(p.cpu.workersMeanPct)}`).join(', ')}; fake Discord + baseline client + harness ${rounds.map((p) => `${Math.round(p.cpu.fakeMeanPct + p.cpu.baselineMeanPct + p.cpu.harnessMeanPct)}`).join(', ')}; whole machine ${rounds.map((p) => `${Math.round(p.cpu.machineMeanPct)}`).join(', ')} of ${result.machine.cpus * 100}.`,
    '',
  ].join('\n');
}

/**
 * Runs the bench; prints its Markdown and writes it, with the full report, under results/.
 * Resolves with the measured rounds, for the bench's own target lines.
 */
export async function runBench(spec: BenchSpec, env: ReturnType<typeof benchEnv>): Promise<{ rounds: PhaseResult[]; result: LoadTestResult }> {
  const out = defaultOutDir(spec.name);
  const options = resolveOptions({ ...spec.options, accounts: env.accounts, friends: env.friends, rate: env.rate, duration: env.durationS, out, ref: env.ref, readRate: 0, serverNodeArgs: env.serverNodeArgs, serverEnv: { ...spec.options.serverEnv, ...env.serverEnv } });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const rig = await LoadRig.start(options, log);
  const rounds: PhaseResult[] = [];
  let result: LoadTestResult;
  try {
    if (env.warmupS > 0) {
      log(`warm-up: ${env.warmupS} s`);
      await rig.runPhase({ label: 'warm-up', rate: env.rate, durationS: env.warmupS, chaos: false });
    }
    for (let i = 1; i <= env.rounds; i++) {
      log(`round ${i} of ${env.rounds}`);
      const progress = progressPrinter();
      rounds.push(await rig.runPhase({ label: `round ${i}`, rate: env.rate, durationS: env.durationS, chaos: false }, progress.print));
      progress.done();
    }
    result = await rig.finish();
  } finally {
    await rig.close();
  }
  result.shutdownMs = rig.shutdownMs;
  const markdown = benchMarkdown(spec, rounds, result);
  await mkdir(rig.outDir, { recursive: true });
  await writeReport(result, rig.outDir);
  await writeFile(join(rig.outDir, 'bench.md'), markdown);
  process.stdout.write(`\n${markdown}\nfull report: ${relative(process.cwd(), rig.outDir)}/report.md\n`);
  if (result.problems.length > 0) {
    process.stderr.write(`problems: ${result.problems.join('; ')}\n`);
    process.exitCode = 1;
  }
  return { rounds, result };
}
