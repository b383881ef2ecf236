/**
 * `npm run bench:worker`: what one account worker costs, side by side with a minimal discord.js
 * client (same intents, same fake Discord, told its token over IPC the same way, same Node
 * flags as the supervisor forks with), bundled like the worker and unbundled.
 *
 * The worker runs as shipped (through its boot loader and the V8 code cache, warmed by one start
 * before the rounds) and, side by side, without the code cache (the bundle forked directly). The
 * start-up target is fork → ready ≤ 0.6 × the worker before issue 17 (BENCH_BASELINE_REF=1cc8228);
 * without BENCH_BASELINE_REF the line compares with the uncached bundle of the same build.
 *
 * Each group of N processes is forked at once, as the supervisor forks a batch; start-up is the
 * time from fork() to the process saying it is ready (discord.js `clientReady`), memory is read
 * from /proc/PID/smaps_rollup once the whole group is ready and has settled. Groups run one after
 * the other so they do not compete for the CPU, in a rotating order over the rounds. Memory is
 * bimodal for a default Node process (see docs/performance.md), hence means beside medians.
 *
 *   BENCH_WORKERS  processes per group (default 20)
 *   BENCH_ROUNDS   rounds over the groups (default 2)
 *   BENCH_SETTLE_MS  wait between "all ready" and reading memory (default 3000)
 *   BENCH_BASELINE_REF  a commit: adds its worker (built by its own build script, forked without a
 *                       code cache) as one more group, and the shipped worker's ratio to it — the
 *                       worker "before": work that shortens both the cached and the uncached start of
 *                       today's bundle (REST without Node's fetch) leaves the code-cache ratio alone.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { FakeDiscord } from '../fake-discord/index.js';
import { SUPERVISOR_DEFAULTS } from '../src/supervisor/constants.js';
import { type InitMessage, message, unbatch, WORKER_INTENTS } from '../src/ipc/index.js';
import { printLoad, printTargets } from './lib/targets.js';
import { buildWorkerBundles } from './worker-build.js';
import { buildRevision } from '../scripts/loadtest/build-revision.js';

const WORKERS = Number(process.env.BENCH_WORKERS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 3_000);
const BASELINE_REF = process.env.BENCH_BASELINE_REF || undefined;
/** Users sharing each bot's guild; the worker watches them all. */
const USERS_PER_GUILD = 10;
const READY_TIMEOUT_MS = 120_000;

interface Kind {
  name: string;
  file: string;
  args?: string[];
  execArgv: string[];
  /** `before`: the worker of BENCH_BASELINE_REF, compared with the shipped one only. */
  role: 'worker' | 'baseline' | 'before';
}

interface Sample {
  startMs: number;
  rssKiB: number;
  pssKiB: number;
  ussKiB: number;
}

interface GroupResult {
  samples: Sample[];
  allReadyMs: number;
}

/** Rss, Pss and private (USS) memory of one process, in KiB. */
async function readMemory(pid: number): Promise<Omit<Sample, 'startMs'>> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return {
    rssKiB: field('Rss'),
    pssKiB: field('Pss'),
    ussKiB: field('Private_Clean') + field('Private_Dirty'),
  };
}

function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error('a process was not ready in time')), READY_TIMEOUT_MS);
    child.on('message', (raw: unknown) => {
      // A worker's messages of one turn come as one batch (src/ipc/batch.ts).
      if (!unbatch(raw).some((msg) => (msg as { type?: unknown } | null)?.type === 'ready')) return;
      clearTimeout(timer);
      resolvePromise();
    });
    child.once('exit', (code) => reject(new Error(`a process exited with ${code} before it was ready`)));
  });
}

function createAccounts(fake: FakeDiscord, count: number) {
  return Array.from({ length: count }, (_, i) => {
    const bot = fake.createBot({ username: `bench-${i}` });
    const users = Array.from({ length: USERS_PER_GUILD }, (_, j) => fake.createUser({ username: `u-${i}-${j}` }));
    fake.createGuild({ botIds: [bot.id], userIds: users.map((u) => u.id) });
    for (const [j, user] of users.entries()) {
      fake.setPresence(user.id, { status: j % 2 ? 'online' : 'idle', activities: [{ name: `game ${j}`, type: 0 }] });
    }
    return { bot, friends: users.map((u) => u.id) };
  });
}

type Account = ReturnType<typeof createAccounts>[number];

/** Forks one process of `kind` and sends it its `init`; `readLog` pipes its log, boot loader's debug lines included. */
function forkAccount(fake: FakeDiscord, kind: Kind, account: Account, i: number, readLog = false): ChildProcess {
  const child = fork(kind.file, kind.args ?? [], {
    serialization: 'json',
    stdio: ['ignore', readLog ? 'pipe' : 'ignore', 'inherit', 'ipc'],
    execArgv: kind.execArgv,
    ...(readLog && { env: { ...process.env, LOG_LEVEL: 'debug' } }),
  });
  child.send(
    message<InitMessage>({
      type: 'init',
      accountId: `bench-${i}`,
      token: account.bot.token,
      intents: WORKER_INTENTS,
      friends: account.friends,
      discordApiUrl: fake.apiUrl,
      settings: { heartbeatIntervalMs: 2_000, loginTimeoutMs: READY_TIMEOUT_MS, deliveryTimeoutMs: 15_000 },
    }),
  );
  return child;
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}

/**
 * One start of the worker through its boot loader, until the loader says what it did with the
 * code cache after `ready`: the rounds then start with the cache in place, as every start but the
 * first after a build does.
 */
async function warmCodeCache(fake: FakeDiscord, kind: Kind): Promise<string> {
  const [account] = createAccounts(fake, 1);
  const child = forkAccount(fake, kind, account!, 0, true);
  try {
    for await (const line of createInterface({ input: child.stdout! })) {
      const { msg = '', reason } = JSON.parse(line) as { msg?: string; reason?: string };
      if (msg === 'code cache accepted' || msg === 'code cache written') return msg;
      if (msg.startsWith('code cache not written')) throw new Error(`${msg}: ${reason}`);
    }
    throw new Error('the worker ended before its boot loader said anything about the code cache');
  } finally {
    await stopAll([child]);
    fake.reset();
  }
}

async function runGroup(fake: FakeDiscord, kind: Kind): Promise<GroupResult> {
  const accounts = createAccounts(fake, WORKERS);
  const groupStart = performance.now();
  const running = accounts.map((account, i) => {
    const forkedAt = performance.now();
    const child = forkAccount(fake, kind, account, i);
    const ready = waitForReady(child).then(() => performance.now() - forkedAt);
    return { child, ready };
  });

  try {
    const startTimes = await Promise.all(running.map((r) => r.ready));
    const allReadyMs = performance.now() - groupStart;
    await sleep(SETTLE_MS);
    const memory = await Promise.all(running.map((r) => readMemory(r.child.pid ?? -1)));
    return { allReadyMs, samples: memory.map((m, i) => ({ ...m, startMs: startTimes[i] ?? NaN })) };
  } finally {
    await stopAll(running.map((r) => r.child));
  }
}

// ─── statistics and the report ──────────────────────────────────────────────────────────────────

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] ?? NaN) + ((sorted[hi] ?? NaN) - (sorted[lo] ?? NaN)) * (at - lo);
}

interface Summary {
  median: number;
  p10: number;
  p90: number;
  mean: number;
}

function summarise(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / sorted.length;
  return { median: quantile(sorted, 0.5), p10: quantile(sorted, 0.1), p90: quantile(sorted, 0.9), mean };
}

const COLUMN = 30;

const METRICS = [
  { key: 'pssKiB', label: 'PSS (MiB)', scale: 1 / 1024 },
  { key: 'ussKiB', label: 'USS (MiB)', scale: 1 / 1024 },
  { key: 'rssKiB', label: 'RSS (MiB)', scale: 1 / 1024 },
  { key: 'startMs', label: 'fork → ready (ms)', scale: 1 },
] as const;

function formatSummary(s: Summary, scale: number): string {
  const f = (x: number) => (x * scale).toFixed(scale === 1 ? 0 : 1);
  return `${f(s.median)} [${f(s.p10)}–${f(s.p90)}] ${f(s.mean)}`;
}

function report(kinds: Kind[], results: Map<string, GroupResult[]>): void {
  const pad = (text: string, width: number) => text.padEnd(width);
  const width = Math.max(...kinds.map((k) => k.name.length)) + 2;
  console.log(`\n${WORKERS} processes per group, ${ROUNDS} round(s); per process: median [p10–p90] mean\n`);
  console.log(pad('', width) + [...METRICS.map((m) => m.label), 'group all ready (ms)'].map((l) => pad(l, COLUMN)).join(''));
  const medians = new Map<string, Record<string, number>>();
  const means = new Map<string, Record<string, number>>();
  for (const kind of kinds) {
    const groups = results.get(kind.name) ?? [];
    const samples = groups.flatMap((g) => g.samples);
    const median: Record<string, number> = {};
    const mean: Record<string, number> = {};
    const cells = METRICS.map((m) => {
      const s = summarise(samples.map((x) => x[m.key]));
      median[m.key] = s.median;
      mean[m.key] = s.mean;
      return formatSummary(s, m.scale);
    });
    const allReady = summarise(groups.map((g) => g.allReadyMs));
    median.allReadyMs = allReady.median;
    mean.allReadyMs = allReady.mean;
    medians.set(kind.name, median);
    means.set(kind.name, mean);
    console.log(pad(kind.name, width) + [...cells, formatSummary(allReady, 1)].map((c) => pad(c, COLUMN)).join(''));
  }
  const keys = [...METRICS.map((m) => m.key), 'allReadyMs'];
  const ratio = (table: Map<string, Record<string, number>>, ours: string, base: string, key: string) =>
    (table.get(ours)?.[key] ?? NaN) / (table.get(base)?.[key] ?? NaN);
  const printRatio = (ours: string, base: string) => {
    const cells = keys.map((key) => `${key} ${ratio(medians, ours, base, key).toFixed(2)}× (${ratio(means, ours, base, key).toFixed(2)}×)`);
    console.log(`  ${pad(ours, width)} vs ${pad(base, width)} ${cells.join('   ')}`);
  };
  console.log('\nworker ÷ baseline, medians (means)');
  for (const ours of kinds.filter((k) => k.role === 'worker')) {
    for (const base of kinds.filter((k) => k.role === 'baseline')) printRatio(ours.name, base.name);
  }
  console.log('\ncode cache A/B, medians (means)');
  printRatio(SHIPPED, NO_CACHE);
  const before = kinds.find((k) => k.role === 'before');
  if (before) {
    console.log('\nshipped worker ÷ the worker at BENCH_BASELINE_REF (no code cache), medians (means)');
    printRatio(SHIPPED, before.name);
  }
  // Issue 17's target is against the worker as it was before that work ("today's" when it was
  // filed): with BENCH_BASELINE_REF it is judged against that build; without it only the code
  // cache's own share can be shown, which later start-up work (shortening both) leaves alone.
  const startBase = before?.name ?? NO_CACHE;
  printTargets([
    {
      name: `fork → ready, ${SHIPPED} ÷ ${startBase}, median`,
      measured: ratio(medians, SHIPPED, startBase, 'startMs'),
      op: '≤',
      limit: 0.6,
      note: `mean ${ratio(means, SHIPPED, startBase, 'startMs').toFixed(2)}×${before ? '' : ' — set BENCH_BASELINE_REF to the worker before issue 17 (1cc8228) for the issue\'s target'}`,
    },
    {
      name: `PSS, ${SHIPPED} ÷ ${BUNDLED_CLIENT}, median`,
      measured: ratio(medians, SHIPPED, BUNDLED_CLIENT, 'pssKiB'),
      op: '≤',
      limit: 1.1,
      note: `mean ${ratio(means, SHIPPED, BUNDLED_CLIENT, 'pssKiB').toFixed(2)}×`,
    },
  ]);
}

const SHIPPED = 'worker (code cache)';
const NO_CACHE = 'worker, no code cache';
const BUNDLED_CLIENT = 'minimal client, bundled';

async function main(): Promise<void> {
  const files = await buildWorkerBundles(resolve(import.meta.dirname, '../dist/bench'));
  // Every process gets the flags the supervisor forks workers with (heap cap, --single-threaded),
  // so the baselines run exactly as our worker does; one more worker group shows Node's defaults.
  const flags = [...SUPERVISOR_DEFAULTS.execArgv];
  const shipped: Kind = { name: SHIPPED, file: files.boot, args: [files.worker], execArgv: flags, role: 'worker' };
  const kinds: Kind[] = [
    shipped,
    { name: NO_CACHE, file: files.worker, execArgv: flags, role: 'worker' },
    { name: 'worker, no code cache, default V8 threads', file: files.worker, execArgv: flags.filter((f) => f !== '--single-threaded'), role: 'worker' },
    { name: BUNDLED_CLIENT, file: files.baselineBundled, execArgv: flags, role: 'baseline' },
    { name: 'minimal client, unbundled', file: files.baselineUnbundled, execArgv: flags, role: 'baseline' },
  ];
  if (BASELINE_REF) {
    const { commit, serverEntry } = await buildRevision(BASELINE_REF, (line) => console.error(line));
    const file = resolve(serverEntry, '../worker.cjs');
    kinds.push({ name: `worker at ${commit.slice(0, 7)}, no code cache`, file, execArgv: flags, role: 'before' });
  }
  printLoad('start');
  const fake = await FakeDiscord.start();
  const results = new Map<string, GroupResult[]>(kinds.map((k) => [k.name, []]));
  try {
    console.error(`warm-up: ${await warmCodeCache(fake, shipped)}`);
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < kinds.length; i++) {
        const kind = kinds[(i + round) % kinds.length] as Kind;
        const result = await runGroup(fake, kind);
        results.get(kind.name)?.push(result);
        const pss = summarise(result.samples.map((s) => s.pssKiB)).median / 1024;
        console.error(`round ${round + 1}: ${kind.name}: all ready in ${result.allReadyMs.toFixed(0)} ms, PSS median ${pss.toFixed(1)} MiB`);
        fake.reset();
      }
    }
  } finally {
    await fake.close();
  }
  report(kinds, results);
  printLoad('end');
}

await main();
