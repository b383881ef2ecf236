/**
 * `npm run bench:store`: the embedded store through the mongodb driver, as the server uses it.
 *
 * One store (SQLite-backed, as in production) holds two collections with a unique index on
 * `email`: the 1,000-document baseline and one of 100,000 documents. For each operation it runs
 * BENCH_OPS commands against each collection, one awaited command at a time:
 *   insert — insertOne of a new small document (checked against the unique index),
 *   find   — findOne by the unique field,
 *   update — updateOne by the unique field with $inc.
 * The work is cut into blocks of BENCH_BLOCK operations that alternate between the two collections
 * (ABBA…), so a busy machine slows both alike; each block pair gives one 100k ÷ 1k ratio. Prints
 * the median and spread (p10–p90 over blocks) of µs per operation and of the ratios, for wall time
 * and for the CPU time of this process (driver and store both run in it). Indexed operations should
 * stay flat: ratio well under 2.
 *
 * Env: BENCH_OPS (default 10000), BENCH_BLOCK (default 500), BENCH_RUNS (default 2 fresh stores),
 * BENCH_STORE_MEMORY=1 to measure the memory-only store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Collection } from 'mongodb';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../src/db/embedded/index.js';
import { printLoad, printTargets, type Target } from './lib/targets.js';

const OPS = Number(process.env.BENCH_OPS ?? 10_000);
const BLOCK = Number(process.env.BENCH_BLOCK ?? 500);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const MEMORY = process.env.BENCH_STORE_MEMORY === '1';
const SIZES = { baseline: 1_000, large: 100_000 } as const;
type Size = keyof typeof SIZES;
const OPERATIONS = ['insert', 'find', 'update'] as const;
type Operation = (typeof OPERATIONS)[number];
const CLOCKS = ['wall', 'cpu'] as const;
type Clock = (typeof CLOCKS)[number];

/** µs per operation of one block, by clock. */
type BlockTiming = Record<Clock, number>;

/** Per operation, per block pair: the timing at each size. */
const samples = new Map<Operation, Array<Record<Size, BlockTiming>>>(OPERATIONS.map((op) => [op, []]));

function userDoc(i: number): { email: string; name: string; visits: number } {
  return { email: `user${i}@example.com`, name: `User ${i}`, visits: 0 };
}

/** Keys spread over the whole prefilled range so lookups do not hit only recent documents. */
function pick(i: number, size: number): number {
  return (i * 7919) % size;
}

type Users = Collection<ReturnType<typeof userDoc>>;

function operationOf(op: Operation, users: Users, size: number): (i: number) => Promise<unknown> {
  switch (op) {
    case 'insert':
      return (i) => users.insertOne(userDoc(size + i));
    case 'find':
      return (i) => users.findOne({ email: userDoc(pick(i, size)).email });
    case 'update':
      return (i) => users.updateOne({ email: userDoc(pick(i, size)).email }, { $inc: { visits: 1 } });
  }
}

async function timeBlock(from: number, run: (i: number) => Promise<unknown>): Promise<BlockTiming> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let i = from; i < from + BLOCK; i++) await run(i);
  const wall = ((performance.now() - start) * 1000) / BLOCK;
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpu.user + cpu.system) / BLOCK };
}

async function prefill(users: Users, size: number): Promise<void> {
  await users.createIndex({ email: 1 }, { unique: true });
  for (let from = 0; from < size; from += 1_000) {
    await users.insertMany(Array.from({ length: Math.min(1_000, size - from) }, (_, k) => userDoc(from + k)));
  }
}

async function runOnce(run: number): Promise<void> {
  const dataDir = MEMORY ? undefined : await mkdtemp(join(tmpdir(), 'bench-store-'));
  const store = await startEmbeddedMongo({ dataDir });
  const client = await new MongoClient(`${store.uri}/bench`).connect();
  try {
    const collections = {
      baseline: client.db().collection('users_1k') as unknown as Users,
      large: client.db().collection('users_100k') as unknown as Users,
    } satisfies Record<Size, Users>;
    for (const size of Object.keys(SIZES) as Size[]) await prefill(collections[size], SIZES[size]);
    for (const op of OPERATIONS) {
      for (let block = 0; block * BLOCK < OPS; block++) {
        const order: Size[] = block % 2 === 0 ? ['baseline', 'large'] : ['large', 'baseline'];
        const pair = {} as Record<Size, BlockTiming>;
        for (const size of order) {
          pair[size] = await timeBlock(block * BLOCK, operationOf(op, collections[size], SIZES[size]));
        }
        samples.get(op)?.push(pair);
      }
      process.stderr.write(`run ${run}/${RUNS}: ${op} done\n`);
    }
  } finally {
    await client.close();
    await store.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (at - low);
}

function summary(values: number[], digits: number, unit = ''): string {
  const f = (value: number): string => `${value.toFixed(digits)}${unit}`;
  return `${f(quantile(values, 0.5))} (${f(quantile(values, 0.1))}–${f(quantile(values, 0.9))})`;
}

async function main(): Promise<void> {
  printLoad('start');
  for (let run = 1; run <= RUNS; run++) await runOnce(run);
  console.log(`## Embedded store benchmark (${MEMORY ? 'memory only' : 'SQLite WAL persistence'})`);
  console.log('');
  console.log(
    `${OPS} operations per size and run, ${RUNS} runs, blocks of ${BLOCK} alternating between the collections; ` +
      `one awaited command at a time over the mongodb driver; Node ${process.version}, ` +
      `${availableParallelism()} × ${cpus()[0]?.model ?? 'cpu'}.`,
  );
  console.log('µs per operation and 100k ÷ 1k ratio per block pair: median (p10–p90 over blocks).');
  console.log('');
  console.log('| operation | clock | 1,000 docs (baseline) | 100,000 docs | ratio 100k ÷ 1k |');
  console.log('|---|---|---|---|---|');
  const targets: Target[] = [];
  for (const op of OPERATIONS) {
    const pairs = samples.get(op) ?? [];
    for (const clock of CLOCKS) {
      const baseline = pairs.map((pair) => pair.baseline[clock]);
      const large = pairs.map((pair) => pair.large[clock]);
      const ratios = pairs.map((pair) => pair.large[clock] / pair.baseline[clock]);
      console.log(`| ${op} | ${clock} | ${summary(baseline, 0)} | ${summary(large, 0)} | ${summary(ratios, 2, '×')} |`);
      // No regression at size: an indexed operation on 100,000 documents within 2× the baseline's.
      const note = `p10–p90 ${quantile(ratios, 0.1).toFixed(2)}–${quantile(ratios, 0.9).toFixed(2)}×`;
      targets.push({ name: `${op}, ${clock}: 100k ÷ 1k baseline, median`, measured: quantile(ratios, 0.5), op: '≤', limit: 2, note });
    }
  }
  printTargets(targets);
  printLoad('end');
}

await main();
