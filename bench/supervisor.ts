/**
 * `npm run bench:supervisor`: the supervisor with the bundled worker (dist/worker.cjs) against a
 * fake Discord running in its own process, so the parent measured here does only what the
 * server would do.
 *
 * 1. Restart latency: kill -9 a ready worker → replacement forked → replacement ready (it
 *    resumes the killed worker's gateway session), against the baseline of a cold start (an
 *    identify) → ready of the same worker, side by side.
 * 2. Parent responsiveness while 100 workers start: event-loop stall (monitorEventLoopDelay)
 *    with the supervisor's spawn queue, against the baseline of forking all 100 at once without
 *    a supervisor (and the supervisor with unbounded concurrency), in ABCCBA order; plus the
 *    time until all are ready, the parent's CPU time, and how long stopping all 100 takes.
 *
 * Env: BENCH_RESTARTS (default 10), BENCH_CHILDREN (default 100; 0 skips part 2), BENCH_ROUNDS
 * (default 2 per mode). Prints a Markdown report; the figures go into docs/performance.md.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { PROJECT_ROOT, SUPERVISOR_DEFAULTS } from '../src/supervisor/constants.js';
import { ChildOp, type InitMessage, message, parseChildMessage, unbatch, WORKER_INTENTS } from '../src/ipc/index.js';
import { Supervisor } from '../src/supervisor/supervisor.js';
import { printLoad, printTargets, type Target } from './lib/targets.js';
import type { SupervisorOptions, WorkerSnapshot } from '../src/supervisor/types.js';

const RESTARTS = Number(process.env.BENCH_RESTARTS ?? 10);
const CHILDREN = Number(process.env.BENCH_CHILDREN ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

interface Bot {
  id: string;
  token: string;
}

// ─── fake Discord in its own process ────────────────────────────────────────────────────────────

async function startFakeDiscord(): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'fake-discord/cli.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, FAKE_DISCORD_PORT: '0', FAKE_DISCORD_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { url?: string };
        if (entry.url) resolve(entry.url);
      } catch {
        // not the announcement
      }
    });
    child.once('exit', (code) => reject(new Error(`fake Discord exited with ${code}`)));
  });
  return { url, process: child };
}

async function control<T>(base: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${base}/_fake${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function createBots(base: string, count: number): Promise<Bot[]> {
  const bots: Bot[] = [];
  for (let i = 0; i < count; i += 1) bots.push(await control<Bot>(base, '/bots', { username: `bench-${i}` }));
  const user = await control<{ id: string }>(base, '/users', { username: 'friend' });
  await control(base, '/guilds', { name: 'bench', botIds: bots.map((b) => b.id), userIds: [user.id] });
  return bots;
}

// ─── helpers ────────────────────────────────────────────────────────────────────────────────────

function supervisorFor(apiUrl: string, bots: Map<string, Bot>, extra: Partial<SupervisorOptions> = {}): Supervisor {
  const supervisor = new Supervisor({
    discordApiUrl: apiUrl,
    logger: pino({ level: 'info' }, pino.destination('/dev/null')),
    // Lenient watchdogs: a slow start under contention is measured, not killed.
    startTimeoutMs: 300_000,
    readyTimeoutMs: 300_000,
    heartbeatMissThreshold: 60,
    resolveInit: async (accountId) => {
      const bot = bots.get(accountId);
      if (!bot) throw new Error(`no bot for ${accountId}`);
      return { token: bot.token, friends: [] };
    },
    ...extra,
  });
  supervisor.setMaxListeners(0);
  return supervisor;
}

function waitFor(supervisor: Supervisor, match: (s: WorkerSnapshot) => boolean, event: 'state' | 'ready'): Promise<number> {
  return new Promise((resolve) => {
    const listener = (s: WorkerSnapshot): void => {
      if (!match(s)) return;
      supervisor.off(event, listener);
      resolve(performance.now());
    };
    supervisor.on(event, listener);
  });
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function summary(values: number[]): { median: number; p10: number; p90: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    p10: quantile(sorted, 0.1),
    p90: quantile(sorted, 0.9),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** monitorEventLoopDelay samples every RESOLUTION_MS; a sample of exactly that is no stall. */
const RESOLUTION_MS = 10;
const stallMs = (ns: number): number => Math.max(0, ns / 1e6 - RESOLUTION_MS);

const ms = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// ─── 1. restart latency ─────────────────────────────────────────────────────────────────────────

async function benchRestarts(apiUrl: string, bots: Bot[]): Promise<Target[]> {
  const accounts = new Map(bots.slice(0, RESTARTS).map((bot, i) => [`restart-${i}`, bot]));
  const supervisor = supervisorFor(apiUrl, accounts);
  const cold: number[] = [];
  const forked: number[] = [];
  const ready: number[] = [];
  const outcomes: string[] = [];
  supervisor.on('resume', (_accountId, outcome) => outcomes.push(outcome));
  try {
    for (const accountId of accounts.keys()) {
      const t0 = performance.now();
      const first = waitFor(supervisor, (s) => s.accountId === accountId, 'ready');
      await supervisor.start(accountId);
      cold.push((await first) - t0);
      const oldPid = supervisor.get(accountId)?.pid ?? -1;

      const isReplacement = (s: WorkerSnapshot): boolean =>
        s.accountId === accountId && s.pid !== undefined && s.pid !== oldPid;
      const forkedAt = waitFor(supervisor, isReplacement, 'state');
      const readyAt = waitFor(supervisor, isReplacement, 'ready');
      const killedAt = performance.now();
      process.kill(oldPid, 'SIGKILL');
      forked.push((await forkedAt) - killedAt);
      ready.push((await readyAt) - killedAt);
      await supervisor.stop(accountId);
    }
  } finally {
    await supervisor.close();
  }
  const c = summary(cold);
  const f = summary(forked);
  const r = summary(ready);
  console.log(`\n### Restart after kill -9 (${RESTARTS} runs, ms)\n`);
  console.log('| | median | p10 | p90 | min | max | ratio (median) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  console.log(`| baseline: cold start → ready | ${ms(c.median)} | ${ms(c.p10)} | ${ms(c.p90)} | ${ms(c.min)} | ${ms(c.max)} | 1.00 |`);
  console.log(`| kill -9 → replacement forked | ${ms(f.median)} | ${ms(f.p10)} | ${ms(f.p90)} | ${ms(f.min)} | ${ms(f.max)} | ${(f.median / c.median).toFixed(3)} |`);
  console.log(`| kill -9 → replacement ready | ${ms(r.median)} | ${ms(r.p10)} | ${ms(r.p90)} | ${ms(r.min)} | ${ms(r.max)} | ${(r.median / c.median).toFixed(2)} |`);
  const resumed = outcomes.filter((o) => o === 'resumed').length;
  console.log(`\nReplacements that resumed the gateway session: ${resumed} of ${ready.length} (refused: ${outcomes.length - resumed}).`);
  return [
    { name: 'kill -9 → replacement forked, median', measured: f.median, op: '≤', limit: 100, unit: ' ms', digits: 0, note: `p90 ${ms(f.p90)} ms` },
  ];
}

// ─── 2. parent responsiveness while 100 workers start ───────────────────────────────────────────

interface MassStart {
  mode: string;
  p50: number;
  p99: number;
  max: number;
  allReadyMs: number;
  closeMs: number;
  restarts: number;
  orphans: number;
  /** CPU time the parent itself used (user + system), ms. */
  parentCpuMs: number;
}

async function massStart(apiUrl: string, bots: Bot[], mode: 'queue' | 'unbounded'): Promise<MassStart> {
  const accounts = new Map(bots.slice(0, CHILDREN).map((bot, i) => [`mass-${i}`, bot]));
  const supervisor = supervisorFor(
    apiUrl,
    accounts,
    mode === 'queue' ? {} : { spawnConcurrency: Number.POSITIVE_INFINITY },
  );
  const cpu0 = process.cpuUsage();
  const pending = new Set(accounts.keys());
  const allReady = new Promise<void>((resolve) => {
    supervisor.on('ready', (s) => {
      pending.delete(s.accountId);
      if (pending.size === 0) resolve();
    });
  });
  const delay = await eventLoopMonitor();
  const t0 = performance.now();
  for (const accountId of accounts.keys()) await supervisor.start(accountId);
  await allReady;
  const allReadyMs = performance.now() - t0;
  delay.disable();

  const cpu = process.cpuUsage(cpu0);
  const pids = supervisor.list().map((s) => s.pid ?? -1);
  const restarts = supervisor.list().reduce((n, s) => n + s.restarts, 0);
  const causes = supervisor.list().filter((s) => s.restarts > 0).map((s) => s.lastError?.code);
  if (causes.length > 0) console.error(`  ${mode}: restarted workers, last errors: ${causes.join(', ')}`);
  const c0 = performance.now();
  await supervisor.close();
  const closeMs = performance.now() - c0;
  return {
    mode,
    p50: stallMs(delay.percentile(50)),
    p99: stallMs(delay.percentile(99)),
    max: stallMs(delay.max),
    allReadyMs,
    closeMs,
    restarts,
    orphans: pids.filter(isAlive).length,
    parentCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

/**
 * An enabled event-loop delay histogram. Its first tick only sets its reference time, so a stall
 * before that tick would go unrecorded: wait for a few ticks before measuring.
 */
async function eventLoopMonitor(): Promise<ReturnType<typeof monitorEventLoopDelay>> {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  await new Promise((resolve) => setTimeout(resolve, 5 * RESOLUTION_MS));
  return delay;
}

/** The baseline: what a server without a supervisor does — fork every worker at once. */
async function forkAllAtOnce(apiUrl: string, bots: Bot[]): Promise<MassStart> {
  const delay = await eventLoopMonitor();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const children: ChildProcess[] = [];
  let restarts = 0;
  // Like ShardingManager: fork at once, and fork again at once when a child dies before ready.
  const startOne = (bot: Bot, i: number, ready: () => void): void => {
    const child = fork(SUPERVISOR_DEFAULTS.workerPath, [], {
      execArgv: [...SUPERVISOR_DEFAULTS.execArgv],
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    children[i] = child;
    child.stdout?.resume();
    child.stderr?.resume();
    let isReady = false;
    child.on('message', (raw) => {
      const parsed = unbatch(raw).map(parseChildMessage);
      if (!isReady && parsed.some((p) => p.ok && p.message.type === ChildOp.Ready)) {
        isReady = true;
        ready();
      }
    });
    child.once('exit', () => {
      if (isReady) return;
      restarts += 1;
      startOne(bot, i, ready);
    });
    child.send(
      message<InitMessage>({
        type: 'init',
        accountId: `naive-${i}`,
        token: bot.token,
        intents: WORKER_INTENTS,
        friends: [],
        discordApiUrl: apiUrl,
        settings: { ...SUPERVISOR_DEFAULTS.workerSettings },
      }),
    );
  };
  await Promise.all(
    bots.slice(0, CHILDREN).map((bot, i) => new Promise<void>((resolve) => startOne(bot, i, resolve))),
  );
  const allReadyMs = performance.now() - t0;
  delay.disable();
  const cpu = process.cpuUsage(cpu0);
  const pids = children.map((c) => c.pid ?? -1);
  const c0 = performance.now();
  await Promise.all(
    children.map((child) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send(message({ type: 'shutdown' }));
      return exited;
    }),
  );
  return {
    mode: 'naive',
    p50: stallMs(delay.percentile(50)),
    p99: stallMs(delay.percentile(99)),
    max: stallMs(delay.max),
    allReadyMs,
    closeMs: performance.now() - c0,
    restarts,
    orphans: pids.filter(isAlive).length,
    parentCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

/** The same measurement with nothing to do: what the shared machine alone costs the parent. */
async function idle(durationMs: number): Promise<MassStart> {
  const delay = await eventLoopMonitor();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  delay.disable();
  return {
    mode: 'idle',
    p50: stallMs(delay.percentile(50)),
    p99: stallMs(delay.percentile(99)),
    max: stallMs(delay.max),
    allReadyMs: 0,
    closeMs: 0,
    restarts: 0,
    orphans: 0,
    parentCpuMs: 0,
  };
}

async function benchMassStart(apiUrl: string, bots: Bot[]): Promise<Target[]> {
  type Mode = 'naive' | 'unbounded' | 'queue';
  const order: Mode[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    order.push(...(i % 2 === 0 ? (['naive', 'unbounded', 'queue'] as const) : (['queue', 'unbounded', 'naive'] as const)));
  }
  const runs: MassStart[] = [];
  for (const mode of order) {
    runs.push(await idle(5_000));
    const run = mode === 'naive' ? await forkAllAtOnce(apiUrl, bots) : await massStart(apiUrl, bots, mode);
    runs.push(run);
    console.error(`  ${mode}: p99 ${ms(run.p99)} ms, max ${ms(run.max)} ms, all ready ${ms(run.allReadyMs)} ms`);
  }
  const byMode = (mode: string) => runs.filter((r) => r.mode === mode);
  const med = (rs: MassStart[], key: keyof Omit<MassStart, 'mode'>) => summary(rs.map((r) => r[key])).median;
  const spread = (rs: MassStart[], key: keyof Omit<MassStart, 'mode'>) => {
    const s = summary(rs.map((r) => r[key]));
    return `${ms(s.min)}–${ms(s.max)}`;
  };
  const base = byMode('naive');
  console.log(
    `\n### Starting ${CHILDREN} workers: parent event-loop stall (delay beyond the ${RESOLUTION_MS} ms sampling interval; ${ROUNDS} runs per mode in ABCCBA order; ms, median (range))\n`,
  );
  console.log('| mode | stall p50 | stall p99 | stall max | all ready | parent CPU | close() | restarts | orphans | p99 ratio |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const labels = {
    idle: 'idle parent, no spawning (machine noise)',
    naive: 'baseline: fork all at once, no supervisor',
    unbounded: 'supervisor, unbounded concurrency',
    queue: `supervisor, spawn queue (${SUPERVISOR_DEFAULTS.spawnConcurrency} at once)`,
  } as const;
  for (const mode of ['idle', 'naive', 'unbounded', 'queue'] as const) {
    const rs = byMode(mode);
    const label = labels[mode];
    const spawning =
      mode === 'idle'
        ? '— | — | — | — | —'
        : `${ms(med(rs, 'allReadyMs'))} (${spread(rs, 'allReadyMs')}) | ${ms(med(rs, 'parentCpuMs'))} | ${ms(med(rs, 'closeMs'))} | ${med(rs, 'restarts')} | ${Math.max(...rs.map((r) => r.orphans))}`;
    console.log(
      `| ${label} | ${ms(med(rs, 'p50'))} | ${ms(med(rs, 'p99'))} (${spread(rs, 'p99')}) | ${ms(med(rs, 'max'))} (${spread(rs, 'max')}) | ${spawning} | ${(med(rs, 'p99') / med(base, 'p99')).toFixed(2)} |`,
    );
  }
  const queue = byMode('queue');
  return [
    { name: 'parent event-loop stall p99 with the spawn queue, median', measured: med(queue, 'p99'), op: '≤', limit: 50, unit: ' ms', digits: 0 },
    { name: `all ${CHILDREN} workers ready with the spawn queue, median`, measured: med(queue, 'allReadyMs') / 1000, op: '≤', limit: 10, unit: ' s', digits: 1 },
    { name: `close() of all ${CHILDREN} workers, median`, measured: med(queue, 'closeMs') / 1000, op: '≤', limit: 10, unit: ' s', digits: 1 },
  ];
}

// ─── main ───────────────────────────────────────────────────────────────────────────────────────

if (!existsSync(SUPERVISOR_DEFAULTS.workerPath)) {
  console.error(`${SUPERVISOR_DEFAULTS.workerPath} is missing: run npm run build first`);
  process.exit(1);
}
printLoad('start');
const fake = await startFakeDiscord();
try {
  const bots = await createBots(fake.url, Math.max(RESTARTS, CHILDREN));
  console.log(`## Supervisor benchmark — Node ${process.version}, ${availableParallelism()} cores`);
  const targets = await benchRestarts(`${fake.url}/api`, bots);
  if (CHILDREN > 0) targets.push(...(await benchMassStart(`${fake.url}/api`, bots)));
  printTargets(targets);
} finally {
  fake.process.kill('SIGTERM');
}
printLoad('end');
