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
 * measure instead of dist/). Prints Markdown; results/bench-pipeline-<time>/ has the rest.
 */
import { benchEnv, runBench } from '../scripts/loadtest/bench-rounds.js';

const env = benchEnv({ accounts: 50, friends: 5, rate: 200 });

await runBench(
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
    ],
    ratios: [
      { label: 'delivered p50 / baseline p50', numerator: (p) => p.latency.delivered.p50, denominator: (p) => p.latency.baselineDelivered?.p50 ?? Number.NaN },
      { label: 'delivered p99 / baseline p99', numerator: (p) => p.latency.delivered.p99, denominator: (p) => p.latency.baselineDelivered?.p99 ?? Number.NaN },
    ],
  },
  env,
);
