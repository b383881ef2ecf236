import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { serialize } from 'bson';
import { MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedMongo } from '../../../../src/db/embedded/index.js';
import { startEmbeddedMongo } from '../../../../src/db/embedded/index.js';
import { loggerWithEvents } from '../../../support/log-events.js';

// The store's limits: per-connection backpressure, a time budget per command, linear-time regexes.

const MAX_PENDING = 2 * 1024 * 1024;
const DOC_BYTES = 8 * 1024;
const DOCS = 32; // one reply ≈ 256 KiB

let store: EmbeddedMongo;
let client: MongoClient;
/** Emits `line` with each parsed log entry of the store. */
const storeLog = loggerWithEvents('debug');
const logEvents = storeLog.events;

beforeAll(async () => {
  store = await startEmbeddedMongo({ logger: storeLog.logger, maxPendingReplyBytes: MAX_PENDING, maxCommandTimeMs: 5 });
  client = await new MongoClient(`${store.uri}/limits`).connect();
  await client
    .db('limits')
    .collection<{ _id: number; pad: string }>('big')
    .insertMany(Array.from({ length: DOCS }, (_, i) => ({ _id: i, pad: 'x'.repeat(DOC_BYTES) })));
});

afterAll(async () => {
  await client?.close();
  await store?.stop();
});

function opMsg(requestId: number, command: Record<string, unknown>): Buffer {
  const body = serialize(command);
  const header = Buffer.alloc(21);
  header.writeInt32LE(21 + body.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(2013, 12);
  header.writeUInt32LE(0, 16);
  header.writeUInt8(0, 20);
  return Buffer.concat([header, body]);
}

/** Counts whole wire messages arriving on a socket. */
function countReplies(socket: Socket, onReply: (count: number) => void): void {
  let buffered = Buffer.alloc(0);
  let count = 0;
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4 && buffered.length >= buffered.readInt32LE(0)) {
      buffered = buffered.subarray(buffered.readInt32LE(0));
      onReply(++count);
    }
  });
}

describe('backpressure', () => {
  it('stops reading from a client that pipelines without reading, while other clients are served', async () => {
    const pipelined = 200; // ≈ 50 MiB of replies if the store answered them all at once
    const socket = connect(store.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.pause();
    const paused = new Promise((resolve) =>
      logEvents.on('line', (line: { msg?: string }) => {
        if (line.msg?.includes('not reading its replies')) resolve(line);
      }),
    );
    const requests = Array.from({ length: pipelined }, (_, i) =>
      opMsg(i + 1, { find: 'big', filter: {}, batchSize: DOCS, $db: 'limits' }),
    );
    socket.write(Buffer.concat(requests));
    await paused;

    // Another client is answered while the first one is held.
    await expect(client.db('limits').command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
    const oneReply = DOCS * (DOC_BYTES + 32);
    expect(store.stats().pendingReplyBytes).toBeLessThanOrEqual(MAX_PENDING + oneReply);

    // Once it reads, every reply arrives, in full.
    const all = new Promise<void>((resolve) => countReplies(socket, (count) => count === pipelined && resolve()));
    socket.resume();
    await all;
    socket.destroy();
  });
});

describe('cost caps', () => {
  it('answers a catastrophic-backtracking regex in linear time', async () => {
    const people = client.db('limits').collection('people');
    await people.insertOne({ name: `${'a'.repeat(40)}!` });
    await expect(people.find({ name: { $regex: '^(a+)+$' } }).toArray()).resolves.toEqual([]);
    await expect(people.find({ name: /^(a|aa)+$/ }).toArray()).resolves.toEqual([]);
    await expect(people.countDocuments({ name: { $in: [/^(a+)+$/] } })).resolves.toBe(0);
    await expect(people.countDocuments({ name: { $regex: '^A+!$', $options: 'i' } })).resolves.toBe(1);
  });

  it("refuses patterns RE2 cannot run in linear time with mongod's invalid-regex code", async () => {
    const error = await client.db('limits').collection('people').findOne({ name: { $regex: '(a)\\1' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 51091, codeName: 'Location51091' });
    expect((error as Error).message).toMatch(/^Regular expression is invalid/);
  });

  it('cuts off a scan that outruns the time budget with MaxTimeMSExpired', async () => {
    const slow = client.db('limits').collection<{ _id: number; text: string }>('slow');
    await slow.insertMany(Array.from({ length: 1500 }, (_, i) => ({ _id: i, text: `${'ab'.repeat(1000)}${i}` })));
    for (const maxTimeMS of [undefined, 60_000]) {
      const error = await slow
        .find({ text: /b(a|b)*z/ }, maxTimeMS === undefined ? {} : { maxTimeMS })
        .toArray()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoServerError);
      expect(error).toMatchObject({ code: 50, codeName: 'MaxTimeMSExpired', message: 'operation exceeded time limit' });
    }
    // Lookups through an index are not scans and stay within any budget.
    await expect(slow.findOne({ _id: 7 })).resolves.toMatchObject({ _id: 7 });
  });
});

describe('atomicity under the connection queue', () => {
  it('lets exactly one of several racing clients win each conditional update and findAndModify', async () => {
    // A store of its own, with the default time budget: under a loaded machine the 5 ms budget
    // above can cut off a racer's update (MaxTimeMSExpired), which is not what this test is about.
    const racingStore = await startEmbeddedMongo({ logger: storeLog.logger });
    const admin = await new MongoClient(`${racingStore.uri}/limits`).connect();
    const clients = await Promise.all(Array.from({ length: 3 }, () => new MongoClient(`${racingStore.uri}/limits`).connect()));
    try {
      const leases = admin.db('limits').collection<{ _id: number; holder: string | null; version: number }>('leases');
      await leases.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: i, holder: null, version: 0 })));
      const attempts = clients.flatMap((racer, r) =>
        Array.from({ length: 20 }, (_, i) => {
          const coll = racer.db('limits').collection<{ _id: number; holder: string | null; version: number }>('leases');
          return i % 2 === 0
            ? coll.updateOne({ _id: i, holder: null }, { $set: { holder: `c${r}` }, $inc: { version: 1 } }).then((res) => res.modifiedCount)
            : coll
                .findOneAndUpdate({ _id: i, version: 0 }, { $set: { holder: `c${r}` }, $inc: { version: 1 } }, { returnDocument: 'after' })
                .then((doc) => (doc ? 1 : 0));
        }),
      );
      const wins = await Promise.all(attempts);
      expect(wins.reduce((a, b) => a + b, 0)).toBe(20);
      const docs = await leases.find().toArray();
      expect(docs.every((doc) => doc.version === 1 && doc.holder !== null)).toBe(true);
    } finally {
      await Promise.all([admin, ...clients].map((c) => c.close()));
      await racingStore.stop();
    }
  });
});
