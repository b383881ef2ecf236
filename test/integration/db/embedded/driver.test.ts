import type { CommandStartedEvent, CommandSucceededEvent, Db } from 'mongodb';
import { EJSON } from 'bson';
import { Binary, Decimal128, Double, Int32, Long, MongoClient, MongoServerError, ObjectId, UUID } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestMongo } from '../../../support/test-mongo.js';
import { startTestMongo } from '../../../support/test-mongo.js';

// Driven through the mongodb driver. Runs against the embedded store, or against a real MongoDB
// when MONGODB_URI is set (see docs/embedded-store.md).

let mongo: TestMongo;
let client: MongoClient;
let db: Db;
const started: CommandStartedEvent[] = [];
const succeeded: CommandSucceededEvent[] = [];

beforeAll(async () => {
  mongo = await startTestMongo();
  client = new MongoClient(mongo.uri, { monitorCommands: true });
  client.on('commandStarted', (event) => started.push(event));
  client.on('commandSucceeded', (event) => succeeded.push(event));
  await client.connect();
  db = client.db();
});

beforeEach(async () => {
  await db.dropDatabase();
  started.length = 0;
  succeeded.length = 0;
});

afterAll(async () => {
  await client?.close();
  await mongo?.stop();
});

function commandsNamed(name: string): CommandStartedEvent[] {
  return started.filter((event) => event.commandName === name);
}

describe('BSON types', () => {
  it('round-trips ObjectId, Date, Binary, Long, Decimal128, Int32, Double, null, nested documents and arrays exactly', async () => {
    const original = {
      _id: new ObjectId(),
      when: new Date('2024-05-06T07:08:09.123Z'),
      bytes: new Binary(Buffer.from([0, 1, 2, 255]), 0),
      uuid: new UUID('01234567-89ab-cdef-0123-456789abcdef'),
      big: Long.fromString('9007199254740993'),
      price: Decimal128.fromString('12.345'),
      int: new Int32(42),
      double: new Double(42),
      fraction: 0.25,
      nothing: null,
      nested: { deeper: { list: [1, 'two', { three: new Double(3) }] } },
      list: [new Int32(1), Long.fromNumber(2), new Double(3)],
    };
    const collection = db.collection('types');
    await collection.insertOne(original);
    const raw = await collection.findOne({ _id: original._id }, { promoteValues: false, promoteLongs: false, promoteBuffers: false });
    // Canonical Extended JSON spells out every BSON type ($numberInt, $numberDouble, $numberLong …).
    expect(EJSON.serialize(raw, { relaxed: false })).toEqual(EJSON.serialize(original, { relaxed: false }));
    expect(raw?.int).toBeInstanceOf(Int32);
    expect(raw?.double).toBeInstanceOf(Double);
    expect(raw?.big).toBeInstanceOf(Long);
    expect(String(raw?.big)).toBe('9007199254740993');
    expect(raw?.price).toBeInstanceOf(Decimal128);
    expect((raw?.nested as { deeper: { list: unknown[] } }).deeper.list[2]).toEqual({ three: new Double(3) });
  });

  it('generates an ObjectId _id on the server for a document without one', async () => {
    const serverIds = new MongoClient(mongo.uri, { forceServerObjectId: true });
    try {
      await serverIds.db().collection('generated').insertOne({ name: 'no id' });
      const stored = await db.collection('generated').findOne({ name: 'no id' });
      expect(stored?._id).toBeInstanceOf(ObjectId);
      expect(Object.keys(stored ?? {})[0]).toBe('_id');
    } finally {
      await serverIds.close();
    }
  });

  it('matches a number across int32, int64 and double representations', async () => {
    const collection = db.collection('numbers');
    await collection.insertMany([{ n: new Int32(5) }, { n: Long.fromNumber(5) }, { n: new Double(5) }, { n: 6 }]);
    expect(await collection.countDocuments({ n: 5 })).toBe(3);
    expect(await collection.countDocuments({ n: { $gt: Long.fromNumber(5) } })).toBe(1);
  });
});

describe('cursors', () => {
  beforeEach(async () => {
    await db.collection('many').insertMany(Array.from({ length: 250 }, (_, i) => ({ i, even: i % 2 === 0 })));
  });

  it('returns every document of a result larger than one batch through getMore', async () => {
    const docs = await db.collection('many').find({}, { batchSize: 40 }).sort({ i: 1 }).toArray();
    expect(docs.map((doc) => doc.i)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(commandsNamed('getMore').length).toBeGreaterThanOrEqual(6);
  });

  it('kills a server cursor that is closed before it is exhausted', async () => {
    const cursor = db.collection('many').find({}, { batchSize: 10 });
    await cursor.next();
    await cursor.close();
    const kill = succeeded.find((event) => event.commandName === 'killCursors');
    expect(kill?.reply).toMatchObject({ ok: 1 });
    expect((kill?.reply as { cursorsKilled: unknown[] }).cursorsKilled).toHaveLength(1);
  });

  it('answers getMore for an unknown cursor with CursorNotFound', async () => {
    const error = await db.command({ getMore: Long.fromNumber(987_654_321), collection: 'many' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 43, codeName: 'CursorNotFound' });
  });

  it('honours filter, projection, sort, skip and limit together', async () => {
    const docs = await db
      .collection('many')
      .find({ even: true }, { projection: { _id: 0, i: 1 } })
      .sort({ i: -1 })
      .skip(3)
      .limit(4)
      .toArray();
    expect(docs).toEqual([{ i: 242 }, { i: 240 }, { i: 238 }, { i: 236 }]);
  });

  it('projects the array element the positional operator matched', async () => {
    await db.collection('orders').insertOne({ _id: 'o1', lines: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 2 }] } as never);
    const doc = await db.collection('orders').findOne({ 'lines.sku': 'b' }, { projection: { 'lines.$': 1 } });
    expect(doc).toEqual({ _id: 'o1', lines: [{ sku: 'b', qty: 2 }] });
  });

  it('returns a single document for findOne', async () => {
    expect(await db.collection('many').findOne({ i: 7 }, { projection: { _id: 0 } })).toEqual({ i: 7, even: false });
  });
});

describe('writes', () => {
  it('upserts with updateOne and reports the upserted id', async () => {
    const result = await db.collection('w').updateOne({ key: 'k' }, { $set: { value: 1 } }, { upsert: true });
    expect(result).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
    expect(await db.collection('w').findOne({ _id: result.upsertedId as ObjectId }, { projection: { _id: 0 } })).toEqual({
      key: 'k',
      value: 1,
    });
  });

  it('counts an update that changes nothing as matched but not modified', async () => {
    await db.collection('w').insertOne({ key: 'same', value: 1 });
    const result = await db.collection('w').updateOne({ key: 'same' }, { $set: { value: 1 } });
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });

  it('replaces a whole document but keeps its _id', async () => {
    const { insertedId } = await db.collection('w').insertOne({ a: 1, b: 2 });
    await db.collection('w').replaceOne({ _id: insertedId }, { c: 3 });
    expect(await db.collection('w').findOne({ _id: insertedId })).toEqual({ _id: insertedId, c: 3 });
  });

  it('refuses an update that changes _id with ImmutableField', async () => {
    const { insertedId } = await db.collection('w').insertOne({ a: 1 });
    const error = await db.collection('w').updateOne({ _id: insertedId }, { $set: { _id: new ObjectId() } }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 66 });
  });

  it('refuses an unknown update operator with FailedToParse', async () => {
    await db.collection('w').insertOne({ a: 1 });
    const error = await db.collection('w').updateOne({ a: 1 }, { $frobnicate: { a: 2 } }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 9 });
  });

  it('updates array elements selected by arrayFilters', async () => {
    const { insertedId } = await db.collection('w').insertOne({ scores: [1, 5, 9] });
    await db.collection('w').updateOne({ _id: insertedId }, { $set: { 'scores.$[high]': 0 } }, { arrayFilters: [{ high: { $gte: 5 } }] });
    expect((await db.collection('w').findOne({ _id: insertedId }))?.scores).toEqual([1, 0, 0]);
  });

  it('updates the array element matched by the positional operator', async () => {
    const { insertedId } = await db.collection('w').insertOne({ items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 1 }] });
    await db.collection('w').updateOne({ _id: insertedId, 'items.sku': 'b' }, { $inc: { 'items.$.qty': 4 } });
    expect((await db.collection('w').findOne({ _id: insertedId }))?.items).toEqual([
      { sku: 'a', qty: 1 },
      { sku: 'b', qty: 5 },
    ]);
  });

  it('promotes an int32 counter to int64 when $inc overflows it', async () => {
    const { insertedId } = await db.collection('w').insertOne({ n: new Int32(2_147_483_647) });
    await db.collection('w').updateOne({ _id: insertedId }, { $inc: { n: 1 } });
    const stored = await db.collection('w').findOne({ _id: insertedId }, { promoteLongs: false });
    expect(stored?.n).toEqual(Long.fromNumber(2_147_483_648));
  });

  it('deletes with findOneAndDelete in sort order and returns the deleted document', async () => {
    await db.collection('w').insertMany([{ rank: 2 }, { rank: 1 }, { rank: 3 }]);
    const deleted = await db.collection('w').findOneAndDelete({}, { sort: { rank: -1 }, projection: { _id: 0 } });
    expect(deleted).toEqual({ rank: 3 });
    expect(await db.collection('w').countDocuments()).toBe(2);
  });

  it('accepts a fire-and-forget write (w:0) and answers the next command normally', async () => {
    await db.collection('w').insertOne({ quiet: true }, { writeConcern: { w: 0 } });
    expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });
    // Unacknowledged: a real server may apply it after a command on another pooled connection.
    let count = 0;
    for (let attempt = 0; attempt < 100 && count === 0; attempt++) {
      count = await db.collection('w').countDocuments({ quiet: true });
      if (count === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(count).toBe(1);
  });

  it('rejects inserting a document larger than 16 MiB with BSONObjectTooLarge', async () => {
    const error = await db
      .collection('w')
      .insertOne({ s: 'x'.repeat(16.5 * 1024 * 1024) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 10334 });
    expect(await db.collection('w').countDocuments()).toBe(0);
  });

  it('rejects an update that grows a document beyond 16 MiB', async () => {
    const { insertedId } = await db.collection('w').insertOne({ small: true });
    const big = 'x'.repeat(9 * 1024 * 1024);
    await db.collection('w').updateOne({ _id: insertedId }, { $set: { a: big } });
    const error = await db.collection('w').updateOne({ _id: insertedId }, { $set: { b: big } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MongoServerError);
    expect([10334, 17419]).toContain((error as MongoServerError).code);
  });
});

describe('aggregation', () => {
  beforeEach(async () => {
    await db.collection('orders').insertMany([
      { customer: 'ann', items: ['pen', 'ink'], total: 10 },
      { customer: 'bob', items: ['pad'], total: 5 },
      { customer: 'ann', items: ['pen'], total: 7 },
      { customer: 'cat', items: [], total: 1 },
    ]);
    await db.collection('customers').insertMany([
      { name: 'ann', city: 'Oslo' },
      { name: 'bob', city: 'Rome' },
    ]);
  });

  it('groups, sorts and projects', async () => {
    const result = await db
      .collection('orders')
      .aggregate([
        { $match: { total: { $gte: 5 } } },
        { $group: { _id: '$customer', spent: { $sum: '$total' }, orders: { $sum: 1 } } },
        { $sort: { spent: -1 } },
        { $project: { _id: 0, customer: '$_id', spent: 1, orders: 1 } },
      ])
      .toArray();
    expect(result).toEqual([
      { spent: 17, orders: 2, customer: 'ann' },
      { spent: 5, orders: 1, customer: 'bob' },
    ]);
  });

  it('unwinds arrays and counts the results', async () => {
    const result = await db.collection('orders').aggregate([{ $unwind: '$items' }, { $match: { items: 'pen' } }, { $count: 'pens' }]).toArray();
    expect(result).toEqual([{ pens: 2 }]);
  });

  it('joins another collection with $lookup', async () => {
    const result = await db
      .collection('orders')
      .aggregate([
        { $match: { customer: { $in: ['bob', 'cat'] } } },
        { $lookup: { from: 'customers', localField: 'customer', foreignField: 'name', as: 'who' } },
        { $project: { _id: 0, customer: 1, cities: '$who.city' } },
        { $sort: { customer: 1 } },
      ])
      .toArray();
    expect(result).toEqual([
      { customer: 'bob', cities: ['Rome'] },
      { customer: 'cat', cities: [] },
    ]);
  });

  it('runs sub-pipelines with $facet, $skip and $limit', async () => {
    const [result] = await db
      .collection('orders')
      .aggregate([
        { $sort: { total: -1 } },
        { $facet: { top: [{ $limit: 2 }, { $project: { _id: 0, total: 1 } }], rest: [{ $skip: 2 }, { $count: 'n' }] } },
      ])
      .toArray();
    expect(result).toEqual({ top: [{ total: 10 }, { total: 7 }], rest: [{ n: 2 }] });
  });

  it('returns documents passed through unchanged with their BSON types intact', async () => {
    await db.collection('typed').insertOne({ big: Long.fromString('9007199254740993') });
    const [doc] = await db.collection('typed').aggregate([{ $match: {} }], { promoteLongs: false }).toArray();
    expect(String(doc?.big)).toBe('9007199254740993');
  });

  it('leaves stored documents untouched by stages that rewrite nested fields', async () => {
    await db.collection('nested').insertOne({ _id: 'n1', inner: { a: 1 }, list: [] } as never);
    await db
      .collection('nested')
      .aggregate([{ $addFields: { 'inner.b': 2 } }, { $unwind: { path: '$list', preserveNullAndEmptyArrays: true, includeArrayIndex: 'i' } }])
      .toArray();
    expect(await db.collection('nested').findOne({ _id: 'n1' } as never)).toEqual({ _id: 'n1', inner: { a: 1 }, list: [] });
  });

  it('answers distinct with each value once', async () => {
    expect((await db.collection('orders').distinct('customer')).sort()).toEqual(['ann', 'bob', 'cat']);
    expect((await db.collection('orders').distinct('items')).sort()).toEqual(['ink', 'pad', 'pen']);
  });

  it('rejects an unknown pipeline stage', async () => {
    const error = await db.collection('orders').aggregate([{ $nonsense: {} }]).toArray().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 40324 });
  });
});

describe('index management', () => {
  it('creates, lists and drops indexes', async () => {
    const collection = db.collection('ix');
    expect(await collection.createIndex({ a: 1, b: -1 })).toBe('a_1_b_-1');
    expect(await collection.createIndex({ c: 1 }, { unique: true, name: 'c_unique' })).toBe('c_unique');
    const listed = await collection.listIndexes().toArray();
    expect(listed.map((index) => index.name)).toEqual(['_id_', 'a_1_b_-1', 'c_unique']);
    expect(listed[2]).toMatchObject({ key: { c: 1 }, unique: true });
    await collection.dropIndex('a_1_b_-1');
    expect((await collection.listIndexes().toArray()).map((index) => index.name)).toEqual(['_id_', 'c_unique']);
  });

  it('answers listIndexes on a missing collection with NamespaceNotFound', async () => {
    const error = await db.collection('absent').listIndexes().toArray().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 26, codeName: 'NamespaceNotFound' });
  });

  it('answers dropping a missing index with IndexNotFound', async () => {
    await db.collection('ix').insertOne({ a: 1 });
    const error = await db.collection('ix').dropIndex('nope_1').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 27, codeName: 'IndexNotFound' });
  });

  it('enforces a compound unique index on the combination of fields', async () => {
    const collection = db.collection('ix');
    await collection.createIndex({ a: 1, b: 1 }, { unique: true });
    await collection.insertMany([{ a: 1, b: 1 }, { a: 1, b: 2 }]);
    const error = await collection.insertOne({ a: 1, b: 2 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 11000, keyPattern: { a: 1, b: 1 }, keyValue: { a: 1, b: 2 } });
  });

  it('lets a sparse unique index hold many documents without the field', async () => {
    const collection = db.collection('ix');
    await collection.createIndex({ nick: 1 }, { unique: true, sparse: true });
    await collection.insertMany([{ x: 1 }, { x: 2 }, { nick: 'n' }]);
    await expect(collection.insertOne({ nick: 'n' })).rejects.toMatchObject({ code: 11000 });
  });

  it('enforces a partial unique index only on the documents its filter selects', async () => {
    const collection = db.collection('ix');
    await collection.createIndex({ email: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await collection.insertMany([
      { email: 'e', active: false },
      { email: 'e', active: false },
      { email: 'e', active: true },
    ]);
    await expect(collection.insertOne({ email: 'e', active: true })).rejects.toMatchObject({ code: 11000 });
  });

  it('refuses to build a unique index over existing duplicates', async () => {
    const collection = db.collection('ix');
    await collection.insertMany([{ k: 1 }, { k: 1 }]);
    await expect(collection.createIndex({ k: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
    expect((await collection.listIndexes().toArray()).map((index) => index.name)).toEqual(['_id_']);
  });

  it('treats the same index created twice as already existing', async () => {
    const collection = db.collection('ix');
    await collection.createIndex({ a: 1 });
    const reply = await db.command({ createIndexes: 'ix', indexes: [{ key: { a: 1 }, name: 'a_1' }] });
    expect(reply).toMatchObject({ ok: 1, numIndexesBefore: 2, numIndexesAfter: 2 });
  });
});

describe('namespaces', () => {
  it('lists the collections of a database', async () => {
    await db.createCollection('alpha');
    await db.collection('beta').insertOne({});
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((info) => info.name).sort();
    expect(names).toEqual(['alpha', 'beta']);
  });

  it('lists the database among all databases once it holds a collection', async () => {
    await db.collection('present').insertOne({});
    const { databases } = await client.db('admin').admin().listDatabases();
    expect(databases.map((info) => info.name)).toContain(db.databaseName);
  });

  it('drops a collection and reports a missing one as NamespaceNotFound to the raw command', async () => {
    await db.collection('gone').insertOne({});
    expect(await db.collection('gone').drop()).toBe(true);
    await expect(db.command({ drop: 'gone' })).rejects.toMatchObject({ code: 26 });
  });

  it('rejects createCollection on an existing collection with different options', async () => {
    await db.createCollection('exists');
    await expect(db.createCollection('exists', { validator: { a: { $exists: true } } })).rejects.toMatchObject({
      code: 48,
      codeName: 'NamespaceExists',
    });
  });

  it('enforces a collection validator', async () => {
    await db.createCollection('validated', { validator: { qty: { $gte: 0 } } });
    await db.collection('validated').insertOne({ qty: 1 });
    await expect(db.collection('validated').insertOne({ qty: -1 })).rejects.toMatchObject({ code: 121 });
  });
});

describe('commands and sessions', () => {
  it('answers an unknown command with CommandNotFound naming the command', async () => {
    const error = await db.command({ frobnicate: 1 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 59, codeName: 'CommandNotFound' });
    expect((error as Error).message).toContain('frobnicate');
  });

  it('answers ping and buildInfo', async () => {
    expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });
    expect(await db.admin().buildInfo()).toMatchObject({ ok: 1, version: expect.any(String) });
  });

  it('accepts explicit sessions with read and write concerns outside transactions', async () => {
    const session = client.startSession();
    try {
      const collection = db.collection('sessions', { writeConcern: { w: 1, journal: true }, readConcern: { level: 'local' } });
      await collection.insertOne({ s: 1 }, { session });
      expect(await collection.countDocuments({ s: 1 }, { session })).toBe(1);
      expect(commandsNamed('insert').at(-1)?.command.lsid).toBeDefined();
    } finally {
      await session.endSession();
    }
  });

  it('refuses transactions as a standalone mongod does (the embedded store as a replica set too; a real replica set commits them)', async () => {
    const hello = await db.admin().command({ hello: 1 });
    const embedded = (await db.admin().buildInfo()).gitVersion === 'embedded';
    const standalone = embedded || (hello.setName === undefined && hello.msg !== 'isdbgrid');
    const session = client.startSession();
    let error: unknown;
    try {
      await db.createCollection('tx');
      error = await session
        .withTransaction(async () => {
          await db.collection('tx').insertOne({ t: 1 }, { session });
        })
        .catch((caught: unknown) => caught);
    } finally {
      await session.endSession();
    }
    if (standalone) {
      // The driver rewraps mongod's code 20 reply with advice about retryWrites; the server's own
      // error stays available as originalError.
      expect(error).toBeInstanceOf(MongoServerError);
      expect((error as MongoServerError & { originalError: unknown }).originalError).toMatchObject({
        code: 20,
        codeName: 'IllegalOperation',
        message: 'Transaction numbers are only allowed on a replica set member or mongos',
      });
      expect(await db.collection('tx').countDocuments()).toBe(0);
    } else {
      expect(error).toBeUndefined();
      expect(await db.collection('tx').countDocuments()).toBe(1);
    }
  });
});
