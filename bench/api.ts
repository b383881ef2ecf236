/**
 * `npm run bench:api`: requests per second of the authenticated `GET /api/accounts` (a page of
 * 20 accounts) on the real app, against two bare Fastify routes in the same process and the
 * same run: one running the same database query without the app's layers, one answering a
 * fixed body of the same size. The servers run in their own process (`bench/api-target.ts`);
 * this process only drives load with autocannon. Rounds alternate the order (ABC, CBA, …) so
 * drift on a shared machine hits every target alike.
 *
 * A fourth target is the same app route while BENCH_STREAMS (default 100) `GET /api/events`
 * streams are open and receive the BENCH_EVENTS_PER_S live events (default 100) the server
 * publishes all along: what open streams cost the API.
 *
 * Env: BENCH_ROUNDS (default 5), BENCH_DURATION_S (per target and round, default 5),
 * BENCH_CONNECTIONS (default 10), BENCH_ACCOUNTS (default 20), BENCH_LOG_LEVEL (default warn),
 * BENCH_STREAMS (default 100), BENCH_EVENTS_PER_S (default 100), BENCH_SERVER_NODE_ARGS (node flags
 * for the servers' process, e.g. `--cpu-prof` or a V8 GC flag).
 * Prints a Markdown report; the figures go into docs/performance.md.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { printLoad, printTargets } from './lib/targets.js';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from '../src/supervisor/constants.js';

/** The part of autocannon's API used here (the package ships no types). */
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
}) => Promise<AutocannonResult>;

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WARMUP_S = 2;
const STREAMS = Number(process.env.BENCH_STREAMS ?? 100);

type TargetName = 'app' | 'appStreams' | 'sameQuery' | 'static';
const TARGETS: TargetName[] = ['app', 'appStreams', 'sameQuery', 'static'];
const LABELS: Record<TargetName, string> = {
  app: 'real app: authenticated GET /api/accounts',
  appStreams: `real app, same route, ${STREAMS} open event streams`,
  sameQuery: 'bare Fastify: same query, no auth/validation/schemas',
  static: 'bare Fastify: fixed body, no database',
};

interface Target {
  app: string;
  events: string;
  sameQuery: string;
  static: string;
  authorization: string;
  bodyBytes: number;
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function startTarget(): Promise<{ target: Target; stop: () => Promise<void> }> {
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'bench/api-target.ts'], {
    cwd: PROJECT_ROOT,
    env: process.env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const target = await new Promise<Target>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line) as Target));
    child.once('exit', (code) => reject(new Error(`bench target exited with ${code}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin.end();
    });
  return { target, stop };
}

/** Opens `count` event streams in a process of their own; resolves once all are open, with a closer. */
async function openStreams(url: string, authorization: string, count: number): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/event-streams.ts', url, authorization, String(count)], {
    cwd: PROJECT_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', () => resolve());
    child.once('exit', (code) => reject(new Error(`event streams exited with ${code}`)));
  });
  return () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin.end();
    });
}

async function load(url: string, authorization: string, durationS: number): Promise<Run> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: durationS,
    headers: { authorization },
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);

async function main(): Promise<void> {
  printLoad('start');
  const { target, stop } = await startTarget();
  const runs: Record<TargetName, Run[]> = { app: [], appStreams: [], sameQuery: [], static: [] };
  const urlOf = (name: TargetName) => (name === 'appStreams' ? target.app : target[name]);
  const loadBefore = loadavg();
  try {
    for (const name of TARGETS) await load(urlOf(name), target.authorization, WARMUP_S);
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = round % 2 === 0 ? TARGETS : [...TARGETS].reverse();
      for (const name of order) {
        const closeStreams = name === 'appStreams' ? await openStreams(target.events, target.authorization, STREAMS) : undefined;
        const run = await load(urlOf(name), target.authorization, DURATION_S).finally(closeStreams);
        if (run.non2xx > 0 || run.errors > 0) throw new Error(`${name}: ${run.non2xx} non-2xx answers, ${run.errors} errors`);
        runs[name].push(run);
        process.stderr.write(`round ${round + 1}/${ROUNDS} ${name}: ${fmt(run.rps)} req/s, p99 ${run.p99} ms\n`);
      }
    }
  } finally {
    await stop();
  }

  const ratios = (baseline: TargetName) => summary(runs.app.map((r, i) => r.rps / runs[baseline][i]!.rps));
  console.log(`\n### Authenticated GET /api/accounts vs bare Fastify routes\n`);
  console.log(
    `Node ${process.version}, ${availableParallelism()} cores; ${ROUNDS} rounds × ${DURATION_S} s per target (order alternating), ` +
      `${CONNECTIONS} connections, a page of ${process.env.BENCH_ACCOUNTS ?? 20} accounts (${target.bodyBytes} bytes), ` +
      `log level ${process.env.BENCH_LOG_LEVEL ?? 'warn'}, embedded store; ${process.env.BENCH_EVENTS_PER_S ?? 100} live events/s published throughout. ` +
      `Load average (1/5/15 min) before: ${loadBefore.map((l) => l.toFixed(1)).join('/')}, after: ${loadavg().map((l) => l.toFixed(1)).join('/')}.\n`,
  );
  console.log('| target | req/s median (min–max) | p50 ms median | p99 ms median (min–max) |');
  console.log('| --- | --- | --- | --- |');
  for (const name of TARGETS) {
    const rps = summary(runs[name].map((r) => r.rps));
    const p50 = summary(runs[name].map((r) => r.p50));
    const p99 = summary(runs[name].map((r) => r.p99));
    console.log(
      `| ${LABELS[name]} | ${fmt(rps.median)} (${fmt(rps.min)}–${fmt(rps.max)}) | ${fmt(p50.median, 1)} | ${fmt(p99.median, 1)} (${fmt(p99.min)}–${fmt(p99.max)}) |`,
    );
  }
  const withStreams = summary(runs.appStreams.map((r, i) => r.rps / runs.app[i]!.rps));
  const vsQuery = ratios('sameQuery');
  const vsStatic = ratios('static');
  console.log('\n| ratio of req/s, per round | median | min–max | target |');
  console.log('| --- | --- | --- | --- |');
  console.log(`| real app / bare route with the same query | ${fmt(vsQuery.median, 2)}× | ${fmt(vsQuery.min, 2)}–${fmt(vsQuery.max, 2)} | ≥ 0.5× |`);
  console.log(`| real app / bare route with a fixed body | ${fmt(vsStatic.median, 2)}× | ${fmt(vsStatic.min, 2)}–${fmt(vsStatic.max, 2)} | ≥ 0.5× |`);
  console.log(`| real app with ${STREAMS} open streams / without | ${fmt(withStreams.median, 2)}× | ${fmt(withStreams.min, 2)}–${fmt(withStreams.max, 2)} | ≥ 0.95× |`);
  const spread = (s: { min: number; max: number }) => `per round ${fmt(s.min, 2)}–${fmt(s.max, 2)}×`;
  printTargets([
    { name: 'req/s, real app ÷ bare route with a fixed body, median', measured: vsStatic.median, op: '≥', limit: 0.5, note: spread(vsStatic) },
    { name: 'req/s, real app ÷ bare route with the same query, median', measured: vsQuery.median, op: '≥', limit: 0.5, note: spread(vsQuery) },
    { name: `req/s, real app with ${STREAMS} open streams ÷ without, median`, measured: withStreams.median, op: '≥', limit: 0.95, note: spread(withStreams) },
  ]);
  printLoad('end');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
