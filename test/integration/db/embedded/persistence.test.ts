import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EJSON } from 'bson';
import { Decimal128, Double, Long, MongoClient, ObjectId } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EmbeddedMongo } from '../../../../src/db/embedded/index.js';
import { startEmbeddedMongo } from '../../../../src/db/embedded/index.js';

// Durability is a property of the embedded store itself, so these tests always run against it.

let dataDir: string;
const cleanups: Array<() => Promise<unknown>> = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'embedded-store-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await rm(dataDir, { recursive: true, force: true });
});

async function connect(uri: string): Promise<MongoClient> {
  const client = await new MongoClient(`${uri}/app`).connect();
  cleanups.push(() => client.close());
  return client;
}

async function startStore(): Promise<EmbeddedMongo> {
  const store = await startEmbeddedMongo({ dataDir });
  cleanups.push(() => store.stop());
  return store;
}

/** Runs `npm run db`'s entry point in a child process and resolves with its URI once it listens. */
async function spawnStoreProcess(): Promise<{ child: ChildProcess; uri: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/db/embedded/cli.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, EMBEDDED_MONGO_PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const match = /mongodb:\/\/127\.0\.0\.1:\d+/.exec(line);
    if (match) return { child, uri: match[0] };
  }
  throw new Error(`store process exited before listening (code ${String(child.exitCode)})`);
}

describe('persistence', () => {
  it('keeps documents, their exact types, indexes and natural order across a clean restart', async () => {
    const original = {
      _id: new ObjectId(),
      at: new Date('2020-01-02T03:04:05.006Z'),
      big: Long.fromString('1234567890123456789'),
      price: Decimal128.fromString('9.99'),
      ratio: new Double(2),
      nested: { list: [1, 'a', null] },
    };
    const first = await startStore();
    const client = await connect(first.uri);
    const items = client.db().collection('items');
    await items.createIndex({ sku: 1 }, { unique: true });
    await items.insertMany([{ sku: 'a' }, { sku: 'b', ...original }, { sku: 'c' }]);
    await items.updateOne({ sku: 'a' }, { $set: { touched: true } });
    await items.deleteOne({ sku: 'c' });
    await client.close();
    await first.stop();

    const second = await startStore();
    const reopened = (await connect(second.uri)).db().collection('items');
    const docs = await reopened.find({}, { promoteValues: false, promoteLongs: false }).toArray();
    expect(docs.map((doc) => doc.sku)).toEqual(['a', 'b']);
    expect(docs[0]?.touched).toBe(true);
    expect(EJSON.serialize(docs[1], { relaxed: false })).toEqual(EJSON.serialize({ ...original, sku: 'b' }, { relaxed: false }));
    expect((await reopened.listIndexes().toArray()).map((index) => index.name)).toEqual(['_id_', 'sku_1']);
    await expect(reopened.insertOne({ sku: 'a' })).rejects.toMatchObject({ code: 11000 });
  });

  it('keeps collMod changes (index TTL, validator) across a restart', async () => {
    const first = await startStore();
    const db = (await connect(first.uri)).db();
    await db.collection('events').createIndex({ at: 1 }, { expireAfterSeconds: 3600 });
    await db.command({ collMod: 'events', index: { name: 'at_1', expireAfterSeconds: 5 }, validator: { kind: { $type: 'string' } } });
    await first.stop();

    const second = await startStore();
    const reopened = (await connect(second.uri)).db();
    const [, ttl] = await reopened.collection('events').listIndexes().toArray();
    expect(ttl).toMatchObject({ name: 'at_1', expireAfterSeconds: 5 });
    await expect(reopened.collection('events').insertOne({ kind: 1 })).rejects.toMatchObject({ code: 121 });
    const again = await reopened.command({ collMod: 'events', index: { name: 'at_1', expireAfterSeconds: 7 } });
    expect(again).toMatchObject({ expireAfterSeconds_old: 5, expireAfterSeconds_new: 7 });
  });

  it('keeps a renamed collection under its new name, in its new database, across a restart', async () => {
    const first = await startStore();
    const client = await connect(first.uri);
    await client.db('app').collection('drafts').createIndex({ slug: 1 }, { unique: true });
    await client.db('app').collection('drafts').insertMany([{ slug: 'a' }, { slug: 'b' }]);
    await client.db('app').collection('drafts').rename('posts');
    await client.db('admin').command({ renameCollection: 'app.posts', to: 'archive.posts' });
    await first.stop();

    const second = await startStore();
    const reopened = await connect(second.uri);
    expect(await reopened.db('app').listCollections().toArray()).toEqual([]);
    const posts = reopened.db('archive').collection('posts');
    expect((await posts.find().toArray()).map((doc) => doc.slug)).toEqual(['a', 'b']);
    await expect(posts.insertOne({ slug: 'a' })).rejects.toMatchObject({ code: 11000, message: expect.stringContaining('collection: archive.posts index: slug_1') });
  });

  it('keeps every acknowledged write when the store process is killed with SIGKILL', async () => {
    const { child, uri } = await spawnStoreProcess();
    const client = await connect(uri);
    const events = client.db().collection('events');
    for (let i = 0; i < 100; i++) await events.insertOne({ i });
    await events.updateMany({ i: { $lt: 10 } }, { $set: { early: true } });
    await events.deleteOne({ i: 99 });
    child.kill('SIGKILL');
    await once(child, 'exit');
    await client.close();

    const store = await startStore();
    const reopened = (await connect(store.uri)).db().collection('events');
    expect(await reopened.countDocuments()).toBe(99);
    expect(await reopened.countDocuments({ early: true })).toBe(10);
    expect(await reopened.findOne({ i: 99 })).toBeNull();
  });

  it('refuses to open a data directory another store is using', async () => {
    await startStore();
    await expect(startEmbeddedMongo({ dataDir })).rejects.toThrow(/in use by another embedded store/);
  });

  it('stops cleanly on SIGTERM', async () => {
    const { child, uri } = await spawnStoreProcess();
    const client = await connect(uri);
    await client.db().collection('x').insertOne({ a: 1 });
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
