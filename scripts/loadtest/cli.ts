/**
 * `npm run loadtest -- --accounts N --friends M --rate R --duration S [--chaos] [--out DIR]`
 *
 * Other flags: --warmup S (load before the measured phase, reported apart), --deliver all|starts|none, --read-rate N, --baseline off|observe|reply,
 * --log-level LEVEL, --spawn-concurrency N, --chaos-interval MS, --heartbeat MS, --build,
 * --mongodb-uri URI, --server-entry FILE, --ref GIT-REF (test a committed revision),
 * --server-node-arg FLAG (repeatable; e.g. --server-node-arg=--cpu-prof), --nodes N (several server
 * nodes on one store), --node-chaos kill-node,pause-node,stop-node, --node-chaos-gap MS,
 * --node-chaos-min N (keep acting after the load until N actions), --pause MS, --server-env KEY=VALUE (repeatable). Prints a progress line each second and a summary table at the end; writes
 * result.json, report.md and SVG plots into --out (default results/loadtest-<time>). Exit code
 * 1 when an event was lost or duplicated or a worker did not end ready.
 */
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LOADTEST_DEFAULTS, type LoadTestOptions, parseServerEnv } from './options.js';
import { PROJECT_ROOT } from './processes.js';
import { progressPrinter } from './progress.js';
import { summaryTable } from './report.js';
import { runLoadTest } from './run-load-test.js';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string' },
    friends: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    chaos: { type: 'boolean' },
    'chaos-interval': { type: 'string' },
    out: { type: 'string' },
    deliver: { type: 'string' },
    'read-rate': { type: 'string' },
    baseline: { type: 'string' },
    'log-level': { type: 'string' },
    'spawn-concurrency': { type: 'string' },
    heartbeat: { type: 'string' },
    build: { type: 'boolean' },
    'mongodb-uri': { type: 'string' },
    'server-entry': { type: 'string' },
    ref: { type: 'string' },
    'server-node-arg': { type: 'string', multiple: true },
    nodes: { type: 'string' },
    'node-chaos': { type: 'string' },
    'node-chaos-gap': { type: 'string' },
    'node-chaos-min': { type: 'string' },
    pause: { type: 'string' },
    'server-env': { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write(
    `usage: npm run loadtest -- [--accounts ${LOADTEST_DEFAULTS.accounts}] [--friends ${LOADTEST_DEFAULTS.friends}] [--rate ${LOADTEST_DEFAULTS.rate}] [--duration ${LOADTEST_DEFAULTS.duration}] [--chaos] [--out DIR]\n` +
      `       [--warmup S] [--deliver all|starts|none] [--read-rate N] [--baseline off|observe|reply] [--log-level info]\n` +
      `       [--spawn-concurrency N] [--chaos-interval MS] [--heartbeat MS] [--build] [--mongodb-uri URI] [--server-entry FILE] [--ref GIT-REF] [--server-node-arg=--cpu-prof …]\n` +
      `       [--nodes N] [--node-chaos kill-node,pause-node,stop-node] [--node-chaos-gap MS] [--node-chaos-min N] [--pause MS] [--server-env KEY=VALUE …]\n`,
  );
  process.exit(0);
}

const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
const options: Partial<LoadTestOptions> = {
  accounts: num(values.accounts),
  friends: num(values.friends),
  rate: num(values.rate),
  duration: num(values.duration),
  warmup: num(values.warmup),
  chaos: values.chaos,
  chaosIntervalMs: num(values['chaos-interval']),
  out: values.out,
  deliver: values.deliver as LoadTestOptions['deliver'] | undefined,
  readRate: num(values['read-rate']),
  baseline: values.baseline as LoadTestOptions['baseline'] | undefined,
  logLevel: values['log-level'],
  spawnConcurrency: num(values['spawn-concurrency']),
  heartbeatMs: num(values.heartbeat),
  build: values.build,
  mongodbUri: values['mongodb-uri'],
  serverEntry: values['server-entry'],
  ref: values.ref,
  serverNodeArgs: values['server-node-arg'],
  nodes: num(values.nodes),
  nodeChaos: values['node-chaos']?.split(',').filter(Boolean) as LoadTestOptions['nodeChaos'],
  nodeChaosGapMs: num(values['node-chaos-gap']),
  nodeChaosMinActions: num(values['node-chaos-min']),
  pauseMs: num(values.pause),
  serverEnv: parseServerEnv(values['server-env'] ?? []),
};

const progress = progressPrinter();
try {
  const result = await runLoadTest(options, {
    log: (line) => process.stderr.write(`${line}\n`),
    onProgress: progress.print,
  });
  progress.done();
  process.stdout.write(`\n${summaryTable(result)}\n\nreport: ${relative(process.cwd(), resolve(PROJECT_ROOT, result.options.out)) || '.'}/report.md\n`);
  process.exitCode = result.problems.length === 0 ? 0 : 1;
} catch (err) {
  progress.done();
  process.stderr.write(`load test failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 2;
}
