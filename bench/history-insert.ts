/**
 * `npx tsx bench/history-insert.ts`: the server's own CPU per history insert, side by side in one
 * process against the embedded store in its own process (dist/store.js: `node scripts/build.mjs`
 * first), as the server runs it. Rounds alternate the ways' order (A, B, … then …, B, A) so drift
 * hits them alike; each way's figure is the median over rounds, and its ratio to the first way is
 * taken round by round.
 *
 * Two sets (`BENCH_SET`):
 * - `plain` (default): mongoose's `insertMany(docs, { ordered: false, lean: true })` (what
 *   ActivityService and the ContentHistory writer called before round 5) against `insertPlain`
 *   (one `insert` command), `BENCH_BATCH` documents per insert;
 * - `driver`: one document per insert (what a quiet server sends per event) through `db.command`
 *   (how `insertPlain` sent it before round 8), `insertPlain` (now the driver's `insertOne`), and
 *   the driver's other ways and options that behave the same on a real MongoDB —
 *   `collection.insertOne`, `collection.insertMany`, per-command BSON options, a raw reply, a
 *   connection with a pre-filled pool and a polling monitor, and the store over TCP instead of its
 *   Unix socket. Measured in round 8 (docs/performance.md "CPU per delivered event, fourth pass").
 *
 * Env: BENCH_SET (plain), BENCH_ROUNDS (8), BENCH_INSERTS (500 per round), BENCH_BATCH (5, `plain`
 * only), BENCH_WAYS (a comma list of the set's ways, to run fewer). The CPU is this process's
 * (`process.cpuUsage`, all its threads), not the store's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mongoose from 'mongoose';
import pino from 'pino';
import { StoreChild } from '../src/db/embedded/store-child.js';
import { DB_TIMEOUTS } from '../src/db/unavailable.js';
import { createModels } from '../src/models/index.js';
import { spread } from '../scripts/loadtest/stats.js';

const set = process.env.BENCH_SET ?? 'plain';
const rounds = Number(process.env.BENCH_ROUNDS ?? 8);
const inserts = Number(process.env.BENCH_INSERTS ?? 500);
const batch = set === 'driver' ? 1 : Number(process.env.BENCH_BATCH ?? 5);

const dataDir = await mkdtemp(join(tmpdir(), 'bench-history-insert-'));
const logger = pino({ level: 'warn' });
const entry = { path: resolve(import.meta.dirname, '../dist/store.js'), execArgv: [] };
const stores = [await StoreChild.start({ entry, config: { dataDir, socketPath: join(dataDir, 'store.sock'), logLevel: 'warn' }, logger })];
/** The server's connection settings (src/plugins/database.ts), plus `extra`. */
async function connect(uri: string, extra: mongoose.ConnectOptions = {}) {
  const conn = await mongoose
    .createConnection(`${uri}/bench`, { ...DB_TIMEOUTS, bufferCommands: false, monitorCommands: false, ...extra })
    .asPromise();
  const models = createModels(conn, { activityRetentionDays: 1, metricsRetentionDays: 1 });
  await models.ActivityHistory.init();
  return { conn, models, db: conn.db as NonNullable<typeof conn.db>, coll: conn.collection(models.ActivityHistory.collection.collectionName) };
}
const main = await connect((stores[0] as StoreChild).uri);
const connections = [main];
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

type Way = () => Promise<unknown>;
const collName = main.models.ActivityHistory.collection.collectionName;
const command = (d: Array<Record<string, unknown>>) => ({ insert: collName, documents: d, ordered: false });

async function driverWays(): Promise<Record<string, Way>> {
  // A pool that never opens a connection on the way (min 2), a monitor that polls instead of
  // streaming, no compression named: options of the connection, not of each command.
  const pooled = await connect((stores[0] as StoreChild).uri, {
    minPoolSize: 2,
    maxPoolSize: 10,
    serverMonitoringMode: 'poll',
    heartbeatFrequencyMS: 60_000,
    compressors: ['none'],
  });
  const tcpStore = await StoreChild.start({ entry, config: { dataDir: join(dataDir, 'tcp'), port: 0, logLevel: 'warn' }, logger });
  stores.push(tcpStore);
  const tcp = await connect(tcpStore.uri);
  connections.push(pooled, tcp);
  const native = main.db.collection(collName);
  const bsonOptions = { enableUtf8Validation: false, bsonRegExp: true, ignoreUndefined: true, readPreference: mongoose.mongo.ReadPreference.primary };
  return {
    // How insertPlain sent one document before round 8: the baseline the others are divided by.
    'db.command': () => main.db.command(command(docs())),
    insertPlain: () => main.models.ActivityHistory.insertPlain(docs()),
    'db.command + BSON options': () => main.db.command(command(docs()), bsonOptions),
    'db.command raw reply': () => main.db.command(command(docs()), { raw: true }),
    'mongoose collection insertOne': () => main.coll.insertOne(docs()[0] as Record<string, unknown>),
    'driver insertOne': () => native.insertOne(docs()[0] as Record<string, unknown>),
    'collection.insertMany': () => main.coll.insertMany(docs(), { ordered: false }),
    'insertPlain pool+monitor options': () => pooled.models.ActivityHistory.insertPlain(docs()),
    'insertPlain over TCP': () => tcp.models.ActivityHistory.insertPlain(docs()),
  };
}

const all: Record<string, Way> =
  set === 'driver'
    ? await driverWays()
    : {
        'mongoose insertMany lean': () => main.models.ActivityHistory.insertMany(docs(), { ordered: false, lean: true }),
        'insertPlain': () => main.models.ActivityHistory.insertPlain(docs()),
      };
const picked = process.env.BENCH_WAYS?.split(',').map((w) => w.trim()) ?? Object.keys(all);
const ways = picked.filter((w) => all[w] !== undefined);
if (ways.length === 0) throw new Error(`BENCH_WAYS names none of: ${Object.keys(all).join(', ')}`);

/** µs of this process's CPU per insert call. */
async function round(way: string): Promise<number> {
  const insert = all[way] as Way;
  const before = process.cpuUsage();
  for (let i = 0; i < inserts; i++) await insert();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / inserts;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join('/');
console.log(`load average at start: ${load()} (2 cores)`);
for (const way of [...ways, ...ways]) await round(way); // warm-up (JIT)
const results = new Map<string, number[]>(ways.map((w) => [w, []]));
for (let r = 0; r < rounds; r++) {
  for (const way of r % 2 === 0 ? ways : [...ways].reverse()) results.get(way)?.push(await round(way));
}
const fmt = (v: number[], digits: number, unit = '') => {
  const s = spread(v);
  return `${s.median.toFixed(digits)}${unit} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
};
const first = results.get(ways[0] as string) as number[];
console.log(`${rounds} rounds × ${inserts} inserts of ${batch} document${batch === 1 ? '' : 's'}; load average at end: ${load()}`);
console.log(`| way | CPU per insert | ÷ ${ways[0]} (per round) |\n| --- | --- | --- |`);
for (const way of ways) {
  const v = results.get(way) as number[];
  console.log(`| ${way} | ${fmt(v, 0, ' µs')} | ${fmt(v.map((x, i) => x / (first[i] as number)), 2)} |`);
}
for (const c of connections) await c.conn.close();
for (const s of stores) await s.stop();
await rm(dataDir, { recursive: true, force: true });
