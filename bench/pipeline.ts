/**
 * `npm run bench:pipeline`: presence change in the fake Discord → message in the fake Discord,
 * at 200 changes/s across 50 accounts (target p99 ≤ 100 ms, content prefetched), through the
 * load-test harness: the real server bundle and its workers, every change delivered (rules
 * match every event, no cooldown, no caps), content from a local gimme-format fixture.
 *
 * Baseline, in the same run: one bare discord.js client in its own process, a member of every
 * guild, that DMs the friend the moment its `presenceUpdate` fires — no IPC, database, rules or
 * content service: the least a bot can do between a change and a delivered message.
 *
 * Env: BENCH_ACCOUNTS (50), BENCH_FRIENDS (5), BENCH_RATE (200), BENCH_ROUNDS (5),
 * BENCH_DURATION_S (10 per round), BENCH_WARMUP_S (3), BENCH_REF (a git ref to build and
 * measure instead of dist/), BENCH_SERVER_NODE_ARGS (server node flags, e.g. `--cpu-prof`). Prints Markdown; results/bench-pipeline-<time>/ has the rest.
 *
 * CPU per delivered event is printed for the server process alone (the target) and for server +
 * its embedded store's process (the store runs in a child process of the server by default).
 */
import { type BenchRatio, benchEnv, runBench } from '../scripts/loadtest/bench-rounds.js';
import { serverAndStoreCpuMsPerDelivered, serverCpuMsPerDelivered, storeCpuMsPerDelivered, storeCpuNote } from '../scripts/loadtest/cpu-per-event.js';
import { spread } from '../scripts/loadtest/stats.js';
import type { PhaseResult } from '../scripts/loadtest/result-types.js';
import { printLoad, printTargets } from './lib/targets.js';

const env = benchEnv({ accounts: 50, friends: 5, rate: 200 });

const deliveredP99: BenchRatio = { label: 'delivered p99 / baseline p99', numerator: (p) => p.latency.delivered.p99, denominator: (p) => p.latency.baselineDelivered?.p99 ?? Number.NaN };

printLoad('start');
const { rounds } = await runBench(
  {
    name: 'bench-pipeline',
    title: 'Pipeline: presence change → message delivered',
    description: [
      'Latencies from the moment the harness sends the presence change: *delivered* = the fake Discord stored the message the server sent for it; *server latencyMs* = the server\'s own ContentHistory figure (worker saw it → Discord answered); *baseline* = the bare client\'s DM for the same change stored by the fake.',
    ],
    options: { deliver: 'all', baseline: 'reply' },
    metrics: [
      { label: 'sent → message delivered, p50', pick: (p) => p.latency.delivered.p50 },
      { label: 'sent → message delivered, p99', pick: (p) => p.latency.delivered.p99, target: { text: 'p99 ≤ 100 ms', holds: (v) => v <= 100 } },
      { label: 'sent → ActivityHistory stored, p99', pick: (p) => p.latency.stored.p99 },
      { label: 'server latencyMs (worker saw → Discord answered), p99', pick: (p) => p.latency.serverDelivery.p99 },
      { label: 'baseline: sent → bare client\'s DM delivered, p50', pick: (p) => p.latency.baselineDelivered?.p50 ?? Number.NaN },
      { label: 'baseline: sent → bare client\'s DM delivered, p99', pick: (p) => p.latency.baselineDelivered?.p99 ?? Number.NaN },
      { label: 'server CPU per delivered event', pick: serverCpuMsPerDelivered, target: { text: '≤ 0.5 ms', holds: (v) => v <= 0.5 } },
      // The target is the server process's; the store's own process and the sum are printed beside it.
      { label: 'store process CPU per delivered event (— when the store runs inside the server)', pick: storeCpuMsPerDelivered },
      { label: 'server + store CPU per delivered event', pick: serverAndStoreCpuMsPerDelivered },
    ],
    ratios: [
      { label: 'delivered p50 / baseline p50', numerator: (p) => p.latency.delivered.p50, denominator: (p) => p.latency.baselineDelivered?.p50 ?? Number.NaN },
      deliveredP99,
    ],
  },
  env,
);

const medianOf = (values: number[], unit: string, digits: number) => {
  const s = spread(values);
  return { measured: s.median, note: `${s.min.toFixed(digits)}–${s.max.toFixed(digits)}${unit} over ${rounds.length} rounds` };
};
/** The server process's figure, with server + store beside it in the note, so that neither is read for the other. */
const serverCpuTarget = (phases: PhaseResult[]) => {
  const server = medianOf(phases.map(serverCpuMsPerDelivered), ' ms', 2);
  return { measured: server.measured, note: `${server.note}; ${storeCpuNote(phases)}` };
};
const load = `at ${env.rate} changes/s over ${env.accounts} accounts × ${env.friends} friends, every change delivered`;
printTargets(
  [
    {
      name: `presence → delivered p99 ÷ bare client DM p99, ${load}`,
      ...medianOf(rounds.map((p) => deliveredP99.numerator(p) / deliveredP99.denominator(p)), '×', 2),
      op: '≤',
      limit: 2,
    },
    { name: `server CPU per delivered event, ${load}`, ...serverCpuTarget(rounds), op: '≤', limit: 0.5, unit: ' ms' },
  ],
  'Targets (issue 17; median over rounds)',
);
printLoad('end');
