/**
 * `npx tsx bench/history-insert.ts`: the server's own CPU per history insert, mongoose's
 * `insertMany(docs, { ordered: false, lean: true })` (what ActivityService and the ContentHistory
 * writer called before round 5) against `insertPlain` (one `insert` command), side by side in one
 * process against the embedded store in its own process (dist/store.js: `node scripts/build.mjs`
 * first), as the server runs it. Rounds alternate A, B, B, A… so drift hits both alike.
 *
 * Env: BENCH_ROUNDS (8), BENCH_INSERTS (500 per round), BENCH_BATCH (5 documents per insert).
 * The CPU is this process's (`process.cpuUsage`, all its threads), not the store's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mongoose from 'mongoose';
import pino from 'pino';
import { StoreChild } from '../src/db/embedded/store-child.js';
import { createModels } from '../src/models/index.js';
import { spread } from '../scripts/loadtest/stats.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 8);
const inserts = Number(process.env.BENCH_INSERTS ?? 500);
const batch = Number(process.env.BENCH_BATCH ?? 5);

const dataDir = await mkdtemp(join(tmpdir(), 'bench-history-insert-'));
const store = await StoreChild.start({
  entry: { path: resolve(import.meta.dirname, '../dist/store.js'), execArgv: [] },
  config: { dataDir, socketPath: join(dataDir, 'store.sock'), logLevel: 'warn' },
  logger: pino({ level: 'warn' }),
});
const conn = await mongoose.createConnection(`${store.uri}/bench`, { bufferCommands: false, retryWrites: false }).asPromise();
const models = createModels(conn, { activityRetentionDays: 1, metricsRetentionDays: 1 });
await models.ActivityHistory.init();
const accountId = new mongoose.Types.ObjectId();

const docs = () =>
  Array.from({ length: batch }, (_, i) => ({
    _id: new mongoose.Types.ObjectId(),
    accountId,
    friendId: new mongoose.Types.ObjectId(),
    discordUserId: `1234567890123456${i}`,
    kind: 'activity_start',
    status: 'online',
    activity: { name: 'Some Game', type: 'playing' },
    at: new Date(),
  }));

const ways = {
  A: (d: Array<Record<string, unknown>>) => models.ActivityHistory.insertMany(d, { ordered: false, lean: true }).then(() => undefined),
  B: (d: Array<Record<string, unknown>>) => models.ActivityHistory.insertPlain(d),
};
/** µs of this process's CPU per insert call. */
async function round(way: keyof typeof ways): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < inserts; i++) await ways[way](docs());
  const used = process.cpuUsage(before);
  return (used.user + used.system) / inserts;
}

const load = () => loadavg().map((l) => l.toFixed(1)).join('/');
console.log(`load average at start: ${load()} (2 cores)`);
for (const way of ['A', 'B', 'A', 'B'] as const) await round(way); // warm-up (JIT)
const results: Record<'A' | 'B', number[]> = { A: [], B: [] };
for (let r = 0; r < rounds; r++) {
  for (const way of r % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)) results[way].push(await round(way));
}
const fmt = (v: number[]) => {
  const s = spread(v);
  return `${s.median.toFixed(0)} µs (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;
};
const ratios = results.B.map((b, i) => b / (results.A[i] as number));
console.log(`${rounds} rounds × ${inserts} inserts of ${batch} documents; load average at end: ${load()}`);
console.log(`| A: mongoose insertMany (lean) | ${fmt(results.A)} CPU per insert |`);
console.log(`| B: insertPlain (insert command) | ${fmt(results.B)} CPU per insert |`);
console.log(`| B ÷ A (per round pair) | ${spread(ratios).median.toFixed(2)} (${spread(ratios).min.toFixed(2)}–${spread(ratios).max.toFixed(2)}) |`);
await conn.close();
await store.stop();
await rm(dataDir, { recursive: true, force: true });
