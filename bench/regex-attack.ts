/**
 * `npm run bench:regex`: what the regex-trigger attack of issue 12 (item 1) does to everyone else.
 * `/api/health` latency (p99) is probed from this process while the server idles, and while
 * BENCH_CLIENTS users (default 4) each rewrite their friends' rules as fast as the server lets
 * them, with the most expensive regexes it still accepts (a new variant each time, so no compiled
 * pattern is reused), and their friends' presences change with 128-character activity names
 * that every one of those regexes is matched against. Each user has one account at its cap of
 * regex triggers (4 friends × 5). The server (`bench/regex-attack-target.ts`) runs in its own
 * process with its default limits; the fake Discord runs here.
 *
 * Rounds alternate the order (idle → attack, attack → idle, …); each round gives one ratio
 * attack p99 ÷ idle p99. Target (issue 12): the attack leaves the p99 ≤ 5× the idle p99.
 *
 * Env: BENCH_ROUNDS (default 3), BENCH_DURATION_S (per phase, default 15), BENCH_CLIENTS (4),
 * BENCH_PRESENCES_PER_S (default 20), BENCH_LOG_LEVEL (server, default warn), BENCH_CPU_PROF (a
 * directory: the server process writes its V8 CPU profile there).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { FakeDiscord } from '../fake-discord/index.js';
import { regexProblem } from '../src/services/rules/index.js';
import { MAX_REGEX_TRIGGERS_PER_RULE } from '../src/services/rules/validate-rule.js';
import { PROJECT_ROOT } from '../src/supervisor/constants.js';
import { printLoad, printTargets } from './lib/targets.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);
const PRESENCES_PER_S = Number(process.env.BENCH_PRESENCES_PER_S ?? 20);
const FRIENDS_PER_CLIENT = 4;
const TARGET_RATIO = 5;

interface Attacker {
  authorization: string;
  accountId: string;
  friendIds: string[];
  friendUserIds: string[];
}

async function startTarget(discordApiUrl: string): Promise<{ url: string; stop: () => Promise<void> }> {
  // BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it exits.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'bench/regex-attack-target.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, DISCORD_API_URL: discordApiUrl },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const { url } = await new Promise<{ url: string }>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line) as { url: string }));
    child.once('exit', (code) => reject(new Error(`bench target exited with ${code}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin.end();
    });
  return { url, stop };
}

const tag = () => randomBytes(3).toString('hex');

async function api<T = unknown>(base: string, method: string, path: string, authorization?: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(authorization ? { authorization } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
}

const shape = (tag: string, n: number) => `(a|aa|${tag}|\\pL|x){${n}}`;
/**
 * The largest count the server accepts in the attack's shape (`(a|aa|aaa|aaaa|\pL|x){1000}`
 * before the bounds): alternatives with a Unicode class under a counted repetition. Found once
 * here, so the attacking clients do not compile patterns themselves (that work would land in
 * this process, which also times the probes).
 */
const COUNT = (() => {
  for (let n = 100; n > 1; n -= 1) if (regexProblem(shape(tag(), n)) === undefined) return n;
  throw new Error('no accepted pattern of that shape');
})();
/** The most expensive pattern the server still accepts; `tag` makes each one new. */
const costliestAccepted = (tag: string) => shape(tag, COUNT);

const expensiveRules = () => ({
  triggers: Array.from({ length: MAX_REGEX_TRIGGERS_PER_RULE }, () => ({ kinds: ['activity:start'], name: { match: 'regex', value: costliestAccepted(tag()) } })),
});

async function setUpAttacker(base: string, fake: FakeDiscord, i: number): Promise<Attacker> {
  const credentials = { email: `attacker-${i}-${tag()}@example.com`, password: 'a long enough password' };
  await api(base, 'POST', '/api/auth/register', undefined, credentials);
  const login = await api<{ accessToken: string }>(base, 'POST', '/api/auth/login', undefined, credentials);
  const authorization = `Bearer ${login.json.accessToken}`;
  const bot = fake.createBot({});
  const friendUserIds = Array.from({ length: FRIENDS_PER_CLIENT }, (_, k) => fake.createUser({ username: `target-${i}-${k}` }).id);
  fake.createGuild({ botIds: [bot.id], userIds: friendUserIds });
  const account = await api<{ id: string }>(base, 'POST', '/api/accounts', authorization, { label: `attacker ${i}`, token: bot.token });
  if (account.status !== 201) throw new Error(`account: ${account.status} ${JSON.stringify(account.json)}`);
  const friendIds: string[] = [];
  for (const discordUserId of friendUserIds) {
    const friend = await api<{ id: string }>(base, 'POST', `/api/accounts/${account.json.id}/friends`, authorization, {
      discordUserId,
      rules: expensiveRules(),
    });
    if (friend.status !== 201) throw new Error(`friend: ${friend.status} ${JSON.stringify(friend.json)}`);
    friendIds.push(friend.json.id);
  }
  await api(base, 'POST', `/api/accounts/${account.json.id}/start`, authorization);
  for (const deadline = Date.now() + 60_000; ; ) {
    const view = await api<{ state: string }>(base, 'GET', `/api/accounts/${account.json.id}`, authorization);
    if (view.json.state === 'ready') break;
    if (Date.now() > deadline) throw new Error(`account ${i} not ready: ${view.json.state}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { authorization, accountId: account.json.id, friendIds, friendUserIds };
}

/** Sequential `GET /api/health` for `ms`; the latencies in ms. */
async function probe(base: string, ms: number): Promise<number[]> {
  const latencies: number[] = [];
  for (const end = performance.now() + ms; performance.now() < end; ) {
    const started = performance.now();
    await fetch(`${base}/api/health`).then((r) => r.arrayBuffer());
    latencies.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 10));
  }
  return latencies;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function refusedText(refused: Map<number, number>): string {
  const total = [...refused.values()].reduce((a, b) => a + b, 0);
  return total === 0 ? '0' : `${total} (${[...refused].map(([status, n]) => `${n}× ${status}`).join(', ')})`;
}

/** Every client rewrites its friends' rules in a loop, and the friends' presences change, until `stop`. */
function attack(base: string, fake: FakeDiscord, attackers: Attacker[]): { stop: () => Promise<{ writes: number; refused: Map<number, number> }> } {
  let running = true;
  let writes = 0;
  const refused = new Map<number, number>(); // by status: 429 is the per-user rate limit
  const writers = attackers.map(async (a) => {
    for (let k = 0; running; k += 1) {
      const friendId = a.friendIds[k % a.friendIds.length]!;
      const res = await api(base, 'PUT', `/api/accounts/${a.accountId}/friends/${friendId}`, a.authorization, { rules: expensiveRules() });
      if (res.status === 200) writes += 1;
      else refused.set(res.status, (refused.get(res.status) ?? 0) + 1);
    }
  });
  const users = attackers.flatMap((a) => a.friendUserIds);
  let n = 0;
  const presences = setInterval(() => {
    const userId = users[n++ % users.length]!;
    // A new 128-character name each time: an `activity:start` the rules are evaluated for.
    fake.setPresence(userId, { status: 'online', activities: [{ name: randomBytes(64).toString('hex'), type: 0 }] });
  }, 1000 / PRESENCES_PER_S);
  return {
    async stop() {
      running = false;
      clearInterval(presences);
      await Promise.all(writers);
      return { writes, refused };
    },
  };
}

async function main(): Promise<void> {
  printLoad('start');
  const fake = await FakeDiscord.start({ heartbeatIntervalMs: 5_000 });
  const target = await startTarget(fake.apiUrl);
  try {
    const attackers: Attacker[] = [];
    for (let i = 0; i < CLIENTS; i += 1) attackers.push(await setUpAttacker(target.url, fake, i));
    console.log(
      `\n### /api/health p99 idle vs. during the regex attack\n\n${CLIENTS} clients, each one account with ${FRIENDS_PER_CLIENT} friends × ` +
        `${MAX_REGEX_TRIGGERS_PER_RULE} regex triggers like \`${costliestAccepted('abc')}\`, rules rewritten in a loop; ` +
        `${PRESENCES_PER_S} presence changes/s with 128-character names; ${ROUNDS} rounds × ${DURATION_S} s per phase.\n`,
    );
    console.log('| round | idle p99 ms | attack p99 ms | ratio | attack rule writes ok / refused (by status) |');
    console.log('| --- | --- | --- | --- | --- |');
    const ratios: number[] = [];
    await probe(target.url, 1_000); // warm-up
    for (let round = 1; round <= ROUNDS; round += 1) {
      const phases = round % 2 === 1 ? (['idle', 'attack'] as const) : (['attack', 'idle'] as const);
      const p99 = { idle: Number.NaN, attack: Number.NaN };
      let counts = { writes: 0, refused: new Map<number, number>() };
      for (const phase of phases) {
        if (phase === 'idle') {
          p99.idle = quantile(await probe(target.url, DURATION_S * 1000), 0.99);
        } else {
          const running = attack(target.url, fake, attackers);
          p99.attack = quantile(await probe(target.url, DURATION_S * 1000), 0.99);
          counts = await running.stop();
        }
      }
      const ratio = p99.attack / p99.idle;
      ratios.push(ratio);
      console.log(`| ${round} | ${p99.idle.toFixed(1)} | ${p99.attack.toFixed(1)} | ${ratio.toFixed(2)}× | ${counts.writes} / ${refusedText(counts.refused)} |`);
    }
    const spread = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×`;
    const ok = printTargets([
      { name: '/api/health p99 during the attack ÷ idle (median of rounds)', measured: median(ratios), op: '≤', limit: TARGET_RATIO, note: `spread ${spread}` },
    ]);
    printLoad('end');
    process.exitCode = ok ? 0 : 1;
  } finally {
    await target.stop();
    await fake.close();
  }
}

await main();
