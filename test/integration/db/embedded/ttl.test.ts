import type { Db } from 'mongodb';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestMongo } from '../../../support/test-mongo.js';
import { startTestMongo } from '../../../support/test-mongo.js';

// The embedded store sweeps every 100 ms here; a real mongod sweeps every 60 s, hence the timeout.
const EXPIRY_TIMEOUT_MS = 90_000;

let mongo: TestMongo;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  mongo = await startTestMongo({ ttlSweepIntervalMs: 100 });
  client = await new MongoClient(mongo.uri).connect();
  db = client.db();
});

afterAll(async () => {
  await client?.close();
  await mongo?.stop();
});

/** Polls until `check` returns true (never a fixed sleep: the sweep decides when). */
async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('TTL indexes', () => {
  it(
    'removes documents whose indexed date is older than expireAfterSeconds and keeps the others',
    async () => {
      const sessions = db.collection('sessions');
      await sessions.createIndex({ lastSeen: 1 }, { expireAfterSeconds: 60 });
      const now = Date.now();
      await sessions.insertMany([
        { name: 'stale', lastSeen: new Date(now - 3_600_000) },
        { name: 'stale-array', lastSeen: [new Date(now - 3_600_000), new Date(now + 3_600_000)] },
        { name: 'fresh', lastSeen: new Date(now) },
        { name: 'no-date', lastSeen: 'yesterday' },
        { name: 'missing' },
      ]);
      await eventually(async () => (await sessions.countDocuments()) === 3, EXPIRY_TIMEOUT_MS);
      const names = (await sessions.find().toArray()).map((doc) => doc.name).sort();
      expect(names).toEqual(['fresh', 'missing', 'no-date']);
    },
    EXPIRY_TIMEOUT_MS + 10_000,
  );

  it(
    'expires by the TTL collMod gives an index, also one that was not a TTL index before',
    async () => {
      const visits = db.collection('visits');
      await visits.createIndex({ at: 1 }, { expireAfterSeconds: 86_400 });
      await visits.createIndex({ until: 1 });
      const now = Date.now();
      await visits.insertMany([
        { name: 'ten-minutes-old', at: new Date(now - 600_000) },
        { name: 'past-until', until: new Date(now - 600_000) },
        { name: 'fresh', at: new Date(now) },
      ]);
      await db.command({ collMod: 'visits', index: { keyPattern: { at: 1 }, expireAfterSeconds: 60 } });
      await db.command({ collMod: 'visits', index: { name: 'until_1', expireAfterSeconds: 0 } });
      await eventually(async () => (await visits.countDocuments()) === 1, EXPIRY_TIMEOUT_MS);
      expect((await visits.find().toArray()).map((doc) => doc.name)).toEqual(['fresh']);
    },
    EXPIRY_TIMEOUT_MS + 10_000,
  );

  it(
    'expires a document by its date as last updated, and not after it was deleted',
    async () => {
      const tokens = db.collection('tokens');
      await tokens.createIndex({ usedAt: 1 }, { expireAfterSeconds: 60 });
      const now = Date.now();
      const past = new Date(now - 3_600_000);
      const future = new Date(now + 3_600_000);
      await tokens.insertMany([
        { name: 'deleted', usedAt: past },
        { name: 'marker', usedAt: past },
        { name: 'kept', usedAt: future },
      ]);
      // Each document gets its first date and then the other one in one command: a sweep (every
      // 100 ms here) runs between two commands, so it never sees 'renewed' with its old date.
      await db.command({
        update: 'tokens',
        updates: [
          { q: { name: 'renewed' }, u: { $set: { usedAt: past } }, upsert: true },
          { q: { name: 'aged' }, u: { $set: { usedAt: future } }, upsert: true },
          { q: { name: 'renewed' }, u: { $set: { usedAt: future } } },
          { q: { name: 'aged' }, u: { $set: { usedAt: past } } },
        ],
      });
      // The same _id comes back with a later date: the entry its first version left is stale.
      const deleted = await tokens.findOneAndDelete({ name: 'deleted' });
      await tokens.insertOne({ _id: deleted?._id, name: 'deleted', usedAt: future });
      await eventually(async () => (await tokens.countDocuments({ name: { $in: ['aged', 'marker'] } })) === 0, EXPIRY_TIMEOUT_MS);
      const names = (await tokens.find().toArray()).map((doc) => doc.name).sort();
      expect(names).toEqual(['deleted', 'kept', 'renewed']);
    },
    EXPIRY_TIMEOUT_MS + 10_000,
  );
});
