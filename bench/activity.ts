/**
 * `npm run bench:activity`: presence change in the fake Discord → row in ActivityHistory, at
 * 1,000 changes/s across 100 accounts (target p99 ≤ 50 ms), through the load-test harness: the
 * real server bundle and its 100 workers, the fake Discord in its own process, every event
 * stored and none delivered (rules match nothing), so the figure is the activity path alone.
 *
 * Baseline, in the same run: one bare discord.js client (default caches, in its own process)
 * that is a member of every guild and sees the very same presence changes; its
 * `presenceUpdate` is the least any bot needs to notice a change. Ratios are taken per round.
 *
 * Env: BENCH_ACCOUNTS (100), BENCH_FRIENDS (10), BENCH_RATE (1000), BENCH_ROUNDS (5),
 * BENCH_DURATION_S (10 per round), BENCH_WARMUP_S (3), BENCH_REF (a git ref to build and
 * measure instead of dist/). Prints Markdown; results/bench-activity-<time>/ has the rest.
 */
import { type BenchRatio, benchEnv, runBench } from '../scripts/loadtest/bench-rounds.js';
import { spread } from '../scripts/loadtest/stats.js';
import { printLoad, printTargets } from './lib/targets.js';

const env = benchEnv({ accounts: 100, friends: 10, rate: 1000 });

const storedP50: BenchRatio = { label: 'stored p50 / baseline p50', numerator: (p) => p.latency.stored.p50, denominator: (p) => p.latency.baseline?.p50 ?? Number.NaN };
const storedP99: BenchRatio = { label: 'stored p99 / baseline p99', numerator: (p) => p.latency.stored.p99, denominator: (p) => p.latency.baseline?.p99 ?? Number.NaN };

printLoad('start');
const { rounds } = await runBench(
  {
    name: 'bench-activity',
    title: 'Activity: presence change → ActivityHistory stored',
    description: [
      'Latencies from the moment the harness sends the presence change (just before the PUT to the fake Discord): *stored* = the ActivityHistory insert acknowledged by the database (seen by the read-only probe in the server), *observed* = the worker saw it (the row\'s `at`), *baseline* = a bare discord.js client\'s `presenceUpdate` for the same change.',
    ],
    options: { deliver: 'none', baseline: 'observe' },
    metrics: [
      { label: 'sent → ActivityHistory stored, p50', pick: (p) => p.latency.stored.p50 },
      { label: 'sent → ActivityHistory stored, p99', pick: (p) => p.latency.stored.p99, target: { text: 'p99 ≤ 50 ms', holds: (v) => v <= 50 } },
      { label: 'sent → worker saw it, p50', pick: (p) => p.latency.observed.p50 },
      { label: 'sent → worker saw it, p99', pick: (p) => p.latency.observed.p99 },
      { label: 'sent → server received it, p99', pick: (p) => p.latency.received.p99 },
      { label: 'baseline: sent → bare client presenceUpdate, p50', pick: (p) => p.latency.baseline?.p50 ?? Number.NaN },
      { label: 'baseline: sent → bare client presenceUpdate, p99', pick: (p) => p.latency.baseline?.p99 ?? Number.NaN },
    ],
    ratios: [
      storedP50,
      storedP99,
      { label: 'worker saw p99 / baseline p99', numerator: (p) => p.latency.observed.p99, denominator: (p) => p.latency.baseline?.p99 ?? Number.NaN },
    ],
  },
  env,
);

/** A ratio's median over rounds, with its range as the note. */
const ratioOf = (q: BenchRatio) => {
  const s = spread(rounds.map((p) => q.numerator(p) / q.denominator(p)));
  return { measured: s.median, note: `${s.min.toFixed(2)}–${s.max.toFixed(2)}× over ${rounds.length} rounds` };
};
const load = `at ${env.rate} changes/s over ${env.accounts} accounts × ${env.friends} friends`;
printTargets(
  [
    { name: `presence → stored p50 ÷ bare client presenceUpdate p50, ${load}`, ...ratioOf(storedP50), op: '≤', limit: 2.5 },
    { name: `presence → stored p99 ÷ bare client presenceUpdate p99, ${load}`, ...ratioOf(storedP99), op: '≤', limit: 1.5 },
  ],
  'Targets (issue 17; median of the per-round ratios)',
);
printLoad('end');
