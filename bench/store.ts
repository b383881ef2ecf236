/**
 * `npm run bench:store`: the embedded store through the mongodb driver, as the server uses it.
 *
 * For each collection size (the 1,000-document baseline and 100,000 documents, prefilled with a
 * unique index on `email`) it times, one awaited command at a time:
 *   insert  — insertOne of BENCH_OPS new small documents (each checked against the unique index),
 *   find    — findOne by the unique field,
 *   update  — updateOne by the unique field with $inc.
 * Runs alternate between the sizes (ABAB…) so that machine load hits both alike. Prints the
 * median and spread (min–max) of µs per operation over BENCH_RUNS runs, and the 100k/1k ratio of
 * the medians; indexed operations should stay flat (ratio well under 2). Two clocks: wall time,
 * and the CPU time of this process (driver and store both run in it), which a busy machine
 * disturbs much less than wall time.
 *
 * Env: BENCH_OPS (default 10000), BENCH_RUNS (default 5), BENCH_STORE_MEMORY=1 to measure the
 * memory-only store instead of the default SQLite-backed one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../src/db/embedded/index.js';

const OPS = Number(process.env.BENCH_OPS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MEMORY = process.env.BENCH_STORE_MEMORY === '1';
const SIZES = [1_000, 100_000] as const;
const OPERATIONS = ['insert', 'find', 'update'] as const;
type Operation = (typeof OPERATIONS)[number];
interface Timing {
  wallUs: number;
  cpuUs: number;
}
type RunResult = Record<Operation, Timing>;

function userDoc(i: number): { email: string; name: string; visits: number } {
  return { email: `user${i}@example.com`, name: `User ${i}`, visits: 0 };
}

/** Keys spread over the whole prefilled range so lookups do not hit only recent documents. */
function pick(i: number, size: number): number {
  return (i * 7919) % size;
}

async function timePerOp(count: number, op: (i: number) => Promise<unknown>): Promise<Timing> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < count; i++) await op(i);
  const wallUs = ((performance.now() - start) * 1000) / count;
  const cpu = process.cpuUsage(cpuStart);
  return { wallUs, cpuUs: (cpu.user + cpu.system) / count };
}

async function runOnce(size: number): Promise<RunResult> {
  const dataDir = MEMORY ? undefined : await mkdtemp(join(tmpdir(), 'bench-store-'));
  const store = await startEmbeddedMongo({ dataDir });
  const client = await new MongoClient(`${store.uri}/bench`).connect();
  try {
    const users = client.db().collection('users');
    await users.createIndex({ email: 1 }, { unique: true });
    for (let from = 0; from < size; from += 1_000) {
      await users.insertMany(Array.from({ length: Math.min(1_000, size - from) }, (_, k) => userDoc(from + k)));
    }
    return {
      insert: await timePerOp(OPS, (i) => users.insertOne(userDoc(size + i))),
      find: await timePerOp(OPS, (i) => users.findOne({ email: userDoc(pick(i, size)).email })),
      update: await timePerOp(OPS, (i) => users.updateOne({ email: userDoc(pick(i, size)).email }, { $inc: { visits: 1 } })),
    };
  } finally {
    await client.close();
    await store.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function describe(values: number[]): string {
  const m = median(values);
  return `${m.toFixed(1)} (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`;
}

async function main(): Promise<void> {
  const results = new Map<number, RunResult[]>(SIZES.map((size) => [size, []]));
  for (let run = 1; run <= RUNS; run++) {
    for (const size of run % 2 === 1 ? SIZES : [...SIZES].reverse()) {
      const result = await runOnce(size);
      results.get(size)?.push(result);
      process.stderr.write(
        `run ${run}/${RUNS} size ${size}: ${OPERATIONS.map((op) => `${op} ${result[op].wallUs.toFixed(1)} µs wall, ${result[op].cpuUs.toFixed(1)} µs cpu`).join('; ')}\n`,
      );
    }
  }
  const [baseline, large] = SIZES;
  console.log(`## Embedded store benchmark (${MEMORY ? 'memory only' : 'SQLite WAL persistence'})`);
  console.log('');
  console.log(
    `${OPS} operations per run, ${RUNS} runs per size, one awaited command at a time over the mongodb driver; ` +
      `Node ${process.version}, ${availableParallelism()} × ${cpus()[0]?.model ?? 'cpu'}.`,
  );
  console.log('µs per operation: median (min–max over runs); ratio = median at 100k ÷ median at 1k (baseline).');
  console.log('');
  console.log(`| operation | clock | ${baseline.toLocaleString('en')} docs | ${large.toLocaleString('en')} docs | ratio |`);
  console.log('|---|---|---|---|---|');
  for (const op of OPERATIONS) {
    for (const clock of ['wallUs', 'cpuUs'] as const) {
      const small = (results.get(baseline) ?? []).map((result) => result[op][clock]);
      const big = (results.get(large) ?? []).map((result) => result[op][clock]);
      const label = clock === 'wallUs' ? 'wall' : 'CPU';
      console.log(`| ${op} | ${label} | ${describe(small)} | ${describe(big)} | ${(median(big) / median(small)).toFixed(2)}× |`);
    }
  }
}

await main();
