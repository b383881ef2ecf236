import type { Db } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { serverFailure as failure, useTestDatabase } from '../../../support/mongo-client.js';

// collMod as mongod 7.0 answers it: an index's TTL and a collection's validator. Runs against a
// real MongoDB when MONGODB_URI is set. (That the changes survive a restart of the embedded store
// is tested in persistence.test.ts.)

const database = useTestDatabase();
let db: Db;

beforeAll(() => {
  db = database.db;
});

describe('collMod index TTL', () => {
  it('changes expireAfterSeconds by key pattern or name, and makes a single-field index a TTL index', async () => {
    const sessions = db.collection('sessions');
    await sessions.createIndex({ createdAt: 1 }, { expireAfterSeconds: 3600 });
    await sessions.createIndex({ seenAt: 1 });
    const byKey = await db.command({ collMod: 'sessions', index: { keyPattern: { createdAt: 1 }, expireAfterSeconds: 60 } });
    expect(byKey).toMatchObject({ expireAfterSeconds_old: 3600, expireAfterSeconds_new: 60, ok: 1 });
    const byName = await db.command({ collMod: 'sessions', index: { name: 'createdAt_1', expireAfterSeconds: 30 } });
    expect(byName).toMatchObject({ expireAfterSeconds_old: 60, expireAfterSeconds_new: 30 });
    const converted = await db.command({ collMod: 'sessions', index: { name: 'seenAt_1', expireAfterSeconds: 10 } });
    expect(converted).toMatchObject({ expireAfterSeconds_new: 10 });
    expect(converted).not.toHaveProperty('expireAfterSeconds_old');
    const listed = await sessions.listIndexes().toArray();
    expect(listed.map((index) => [index.name, index.expireAfterSeconds])).toEqual([
      ['_id_', undefined],
      ['createdAt_1', 30],
      ['seenAt_1', 10],
    ]);
  });

  it('answers mongod\u2019s errors', async () => {
    await db.collection('ttl').createIndex({ a: 1, b: 1 });
    const collMod = (index: unknown): Promise<unknown> => db.command({ collMod: 'ttl', index });
    expect(await failure(db.command({ collMod: 'nowhere', index: { name: 'a_1', expireAfterSeconds: 1 } }))).toMatchObject({
      code: 26,
      codeName: 'NamespaceNotFound',
    });
    expect(await failure(collMod({ name: 'nope', expireAfterSeconds: 1 }))).toMatchObject({
      code: 27,
      codeName: 'IndexNotFound',
      message: `cannot find index nope for ns ${db.databaseName}.ttl`,
    });
    expect(await failure(collMod({ name: 'a_1_b_1', keyPattern: { a: 1, b: 1 }, expireAfterSeconds: 1 }))).toMatchObject({
      code: 72,
      codeName: 'InvalidOptions',
      message: 'Cannot specify both key pattern and name.',
    });
    expect(await failure(collMod({ name: 'a_1_b_1' }))).toMatchObject({
      code: 72,
      message: 'no expireAfterSeconds, hidden, unique, or prepareUnique field',
    });
    expect(await failure(collMod({ keyPattern: { a: 1, b: 1 }, expireAfterSeconds: 5 }))).toMatchObject({
      code: 72,
      message: 'TTL indexes are single-field indexes, compound indexes do not support TTL',
    });
  });
});

describe('collMod validator', () => {
  it('adds a validator, then relaxes it with validationLevel moderate and validationAction warn', async () => {
    const stock = db.collection('stock');
    await stock.insertOne({ _id: 1 as never, qty: -1 });
    await db.command({ collMod: 'stock', validator: { qty: { $gte: 0 } } });
    const refused = await failure(stock.insertOne({ _id: 2 as never, qty: -5 }));
    expect(refused.code).toBe(121);
    // strict (the default) also checks updates of documents that were already invalid
    expect((await failure(stock.updateOne({ _id: 1 as never }, { $set: { note: 'x' } }))).code).toBe(121);

    await db.command({ collMod: 'stock', validationLevel: 'moderate' });
    await stock.updateOne({ _id: 1 as never }, { $set: { note: 'x' } });
    expect((await failure(stock.insertOne({ _id: 3 as never, qty: -5 }))).code).toBe(121);

    await db.command({ collMod: 'stock', validationAction: 'warn' });
    await stock.insertOne({ _id: 4 as never, qty: -5 });
    const [info] = await db.listCollections({ name: 'stock' }, { nameOnly: false }).toArray();
    expect(info?.options).toMatchObject({ validator: { qty: { $gte: 0 } }, validationLevel: 'moderate', validationAction: 'warn' });
    expect((await stock.find().toArray()).map((doc) => doc._id)).toEqual([1, 4]);
  });
});
