import { calculateObjectSize } from 'bson';
import { type Collection, type Document, Long, MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestMongo } from '../../../support/test-mongo.js';
import { startTestMongo } from '../../../support/test-mongo.js';
import { serverFailure as failure } from '../../../support/mongo-client.js';

// What an ordinary mongoose application does, answered as mongod 7.0 answers it. Runs against
// the embedded store, or a real MongoDB when MONGODB_URI is set.

let mongo: TestMongo;
let client: MongoClient;
let connection: mongoose.Connection;
let things: Collection<Document>;

beforeAll(async () => {
  mongo = await startTestMongo();
  client = await new MongoClient(mongo.uri).connect();
  connection = await mongoose.createConnection(mongo.uri).asPromise();
  things = client.db().collection('things');
});
afterAll(async () => {
  await connection?.close();
  await client?.close();
  await mongo?.stop();
});
beforeEach(async () => {
  await things.deleteMany({});
});

describe('positional updates', () => {
  beforeEach(async () => {
    await things.insertOne({ _id: 1 as never, arr: [{ id: 1, a: 0, b: 0 }, { id: 2, a: 0, b: 0 }] });
  });

  it('updates two fields under one `$` element, also from two operators', async () => {
    await things.updateOne({ _id: 1 as never, 'arr.id': 2 }, { $set: { 'arr.$.a': 1, 'arr.$.b': 2 } });
    await things.updateOne({ _id: 1 as never, 'arr.id': 2 }, { $set: { 'arr.$.a': 5 }, $inc: { 'arr.$.b': 10 } });
    expect((await things.findOne({ _id: 1 as never }))?.arr).toEqual([{ id: 1, a: 0, b: 0 }, { id: 2, a: 5, b: 12 }]);
  });

  it('updates two fields under `$[]` and under `$[id]`', async () => {
    await things.updateOne({ _id: 1 as never }, { $set: { 'arr.$[].a': 3, 'arr.$[].b': 4 } });
    await things.updateOne({ _id: 1 as never }, { $set: { 'arr.$[e].a': 7 }, $inc: { 'arr.$[e].b': 1 } }, { arrayFilters: [{ 'e.id': 1 }] });
    expect((await things.findOne({ _id: 1 as never }))?.arr).toEqual([{ id: 1, a: 7, b: 5 }, { id: 2, a: 3, b: 4 }]);
  });

  it('still refuses a real conflict with code 40', async () => {
    const error = await failure(things.updateOne({ _id: 1 as never, 'arr.id': 1 }, { $set: { 'arr.$.a': 1, 'arr.$': {} } }));
    expect(error.code).toBe(40);
  });

  it('works for mongoose subdocuments with timestamps (mongoose adds `arr.$.updatedAt`)', async () => {
    const Item = new mongoose.Schema({ name: String, qty: Number }, { timestamps: true });
    const Orders = connection.model('Order', new mongoose.Schema({ items: [Item] }));
    const order = await Orders.create({ items: [{ name: 'a', qty: 1 }, { name: 'b', qty: 1 }] });
    const itemId = order.items[1]?._id;
    const result = await Orders.updateOne({ _id: order._id, 'items._id': itemId }, { $set: { 'items.$.qty': 9 } });
    expect(result.modifiedCount).toBe(1);
    const stored = await Orders.findById(order._id).lean();
    expect(stored?.items.map((item) => item.qty)).toEqual([1, 9]);
    expect(stored?.items[1]?.updatedAt?.getTime()).toBeGreaterThanOrEqual(stored?.items[0]?.updatedAt?.getTime() ?? Infinity);
  });
});

describe('upserts and _id', () => {
  it('inserts with `$set: {_id}` equal to the filter\u2019s (mongoose findOneAndUpdate({_id}, doc, {upsert}))', async () => {
    const Notes = connection.model('Note', new mongoose.Schema({ text: String }));
    const id = new mongoose.Types.ObjectId();
    const note = await Notes.findOneAndUpdate({ _id: id }, { _id: id, text: 'hi' }, { upsert: true, new: true });
    expect(note?._id.equals(id)).toBe(true);
    await expect(Notes.countDocuments({ _id: id, text: 'hi' })).resolves.toBe(1);
  });

  it('refuses an upsert whose `$set: {_id}` differs from the filter\u2019s with code 66', async () => {
    const error = await failure(things.updateOne({ _id: 1 as never }, { $set: { _id: 2 } }, { upsert: true }));
    expect(error.code).toBe(66);
  });

  it('keeps `_id` when a pipeline update\u2019s $replaceRoot drops it', async () => {
    await things.insertOne({ _id: 5 as never, inner: { x: 1 } });
    await things.updateOne({ _id: 5 as never }, [{ $replaceRoot: { newRoot: '$inner' } }]);
    expect(await things.findOne({ _id: 5 as never })).toEqual({ _id: 5, x: 1 });
  });
});

describe('array projections', () => {
  beforeEach(async () => {
    await things.insertOne({ _id: 1 as never, title: 't', list: [1, 2, 3, 4, 5], other: 'x' });
  });

  it('keeps every other field with `$slice` alone, and goes with an exclusion', async () => {
    await expect(things.findOne({}, { projection: { list: { $slice: 2 } } })).resolves.toEqual({ _id: 1, title: 't', list: [1, 2], other: 'x' });
    await expect(things.findOne({}, { projection: { list: { $slice: -2 }, other: 0 } })).resolves.toEqual({ _id: 1, title: 't', list: [4, 5] });
    await expect(things.findOne({}, { projection: { list: { $slice: [1, 2] }, title: 1 } })).resolves.toEqual({ _id: 1, title: 't', list: [2, 3] });
  });

  it('projects the first element matching `$elemMatch` over scalars', async () => {
    await expect(things.findOne({}, { projection: { list: { $elemMatch: { $gt: 3 } } } })).resolves.toEqual({ _id: 1, list: [4] });
  });

  it('answers mongoose `.slice()`', async () => {
    const Lists = connection.model('List', new mongoose.Schema({ _id: Number, title: String, list: [Number] }), 'things');
    const doc = await Lists.findById(1).slice('list', 3).lean();
    expect(doc).toMatchObject({ title: 't', list: [1, 2, 3] });
  });
});

describe('$pull with a document query', () => {
  it('removes the elements matching `$or`', async () => {
    await things.insertOne({ _id: 1 as never, arr: [{ k: 1 }, { k: 2 }, { k: 3 }] });
    await things.updateOne({ _id: 1 as never }, { $pull: { arr: { $or: [{ k: 1 }, { k: 3 }] } } as never });
    expect((await things.findOne({ _id: 1 as never }))?.arr).toEqual([{ k: 2 }]);
  });

  it('removes an _id-less mongoose subdocument', async () => {
    const Tag = new mongoose.Schema({ name: String, weight: Number }, { _id: false });
    const Tagged = connection.model('Tagged', new mongoose.Schema({ tags: [Tag] }));
    const doc = await Tagged.create({ tags: [{ name: 'a', weight: 1 }, { name: 'b', weight: 2 }] });
    doc.tags.pull(doc.tags[0]);
    await doc.save();
    expect((await Tagged.findById(doc._id).lean())?.tags).toEqual([{ name: 'b', weight: 2 }]);
  });
});

describe('errors where mongod errors', () => {
  beforeEach(async () => {
    await things.insertOne({ _id: 1 as never, tags: 'a', n: 5, arr: [{ k: 1 }] });
  });

  it('refuses $push and $addToSet on a non-array with BadValue', async () => {
    const push = await failure(things.updateOne({ _id: 1 as never }, { $push: { tags: 'b' } as never }));
    expect(push).toMatchObject({ code: 2 });
    expect(push.message).toBe("The field 'tags' must be an array but is of type string in document {_id: 1}");
    const add = await failure(things.updateOne({ _id: 1 as never }, { $addToSet: { n: 1 } }));
    expect(add).toMatchObject({ code: 2, message: "Cannot apply $addToSet to non-array field. Field named 'n' has non-array type int" });
  });

  it('refuses $pull and $pop on a non-array (a missing field stays a no-op)', async () => {
    expect(await failure(things.updateOne({ _id: 1 as never }, { $pull: { n: 1 } as never }))).toMatchObject({
      code: 2,
      message: 'Cannot apply $pull to a non-array value',
    });
    expect(await failure(things.updateOne({ _id: 1 as never }, { $pop: { n: 1 } as never }))).toMatchObject({
      code: 14,
      message: "Path 'n' contains an element of non-array type 'int'",
    });
    expect((await things.updateOne({ _id: 1 as never }, { $pull: { missing: 1 }, $pop: { gone: 1 } } as never)).modifiedCount).toBe(0);
  });

  it('gives findAndModify’s execution errors mongod’s "Plan executor error" context', async () => {
    const error = await failure(things.findOneAndUpdate({ _id: 1 as never }, { $push: { tags: 'b' } as never }));
    expect(error).toMatchObject({
      code: 2,
      codeName: 'BadValue',
      message: "Plan executor error during findAndModify :: caused by :: The field 'tags' must be an array but is of type string in document {_id: 1}",
    });
  });

  it('refuses a field created inside an array of documents with PathNotViable', async () => {
    const error = await failure(things.updateOne({ _id: 1 as never }, { $set: { 'arr.x': 1 } }));
    expect(error.code).toBe(28);
  });

  it('refuses an unknown query operator with BadValue, also on a missing collection', async () => {
    for (const name of ['things', 'nothing-here']) {
      const error = await failure(client.db().collection(name).find({ a: { $foo: 1 } }).toArray());
      expect(error).toMatchObject({ code: 2, codeName: 'BadValue' });
    }
  });
});

describe('queries', () => {
  it('matches `$all` against a scalar field as an $and of equalities', async () => {
    await things.insertMany([{ tag: 'a' }, { tag: ['a', 'b'] }, { tag: 'b' }]);
    await expect(things.countDocuments({ tag: { $all: ['a'] } })).resolves.toBe(2);
    await expect(things.countDocuments({ tag: { $all: ['a', 'b'] } })).resolves.toBe(1);
    await expect(things.countDocuments({ tag: { $all: [] } })).resolves.toBe(0);
  });
});

describe('collation', () => {
  const ci = { locale: 'en', strength: 2 };
  beforeEach(async () => {
    await things.insertMany([{ name: 'alice' }, { name: 'Alice' }, { name: 'ALİCE' }, { name: 'bob' }, { name: 'résumé' }, { name: 'Bob' }]);
  });

  it('matches case-insensitively at strength 2, also ignoring accents at strength 1, and exactly with `simple`', async () => {
    await expect(things.countDocuments({ name: 'ALICE' }, { collation: ci })).resolves.toBe(2);
    await expect(things.countDocuments({ name: { $in: ['BOB'] } }, { collation: ci })).resolves.toBe(2);
    await expect(things.find({ name: 'RESUME' }, { collation: { locale: 'fr', strength: 1 } }).toArray()).resolves.toHaveLength(1);
    await expect(things.find({ name: 'RESUME' }, { collation: ci }).toArray()).resolves.toHaveLength(0);
    await expect(things.countDocuments({ name: 'alice' }, { collation: { locale: 'simple' } })).resolves.toBe(1);
    await expect(client.db().command({ count: 'things', query: { name: 'bob' }, collation: ci })).resolves.toMatchObject({ n: 2 });
  });

  it('sorts, distincts, updates and deletes under the collation', async () => {
    const sorted = await things.find({ name: { $in: ['bob', 'Bob', 'alice'] } }, { collation: ci }).sort({ name: 1 }).project({ _id: 0 }).toArray();
    expect(sorted.map((doc) => String(doc.name).toLowerCase())).toEqual(['alice', 'alice', 'bob', 'bob']);
    expect(await things.distinct('name', { name: { $in: ['bob', 'alice'] } }, { collation: ci })).toHaveLength(2);
    await expect(things.updateMany({ name: 'BOB' }, { $set: { seen: true } }, { collation: ci })).resolves.toMatchObject({ modifiedCount: 2 });
    await expect(things.deleteMany({ name: 'ALICE' }, { collation: ci })).resolves.toMatchObject({ deletedCount: 2 });
  });

  it('makes a unique index with strength 2 refuse case variants', async () => {
    const emails = client.db().collection('emails');
    await emails.createIndex({ email: 1 }, { unique: true, collation: ci });
    await emails.insertOne({ email: 'Ann@example.com' });
    const error = await failure(emails.insertOne({ email: 'ann@EXAMPLE.com' }));
    expect(error.code).toBe(11000);
    // The index still answers exact lookups without a collation.
    await expect(emails.countDocuments({ email: 'Ann@example.com' })).resolves.toBe(1);
    await expect(emails.countDocuments({ email: 'ann@example.com' })).resolves.toBe(0);
  });

  it('answers mongoose case-insensitive lookups', async () => {
    const People = connection.model('Person', new mongoose.Schema({ name: String }), 'things');
    const found = await People.find({ name: 'BOB' }).collation(ci).lean();
    expect(found).toHaveLength(2);
    await expect(People.countDocuments({ name: 'alice' }).collation(ci)).resolves.toBe(2);
  });
});

describe('commands', () => {
  it('answers serverStatus with the documented subset', async () => {
    await things.insertOne({ a: 1 });
    const status = await client.db('admin').command({ serverStatus: 1 });
    expect(status).toMatchObject({ ok: 1, process: 'mongod', version: expect.stringMatching(/^\d+\.\d+/) });
    for (const field of ['host', 'pid', 'uptime', 'localTime', 'connections', 'mem', 'opcounters']) expect(status).toHaveProperty(field);
    expect(Number(status.opcounters.insert)).toBeGreaterThanOrEqual(1);
    expect(status.connections.current).toBeGreaterThanOrEqual(1);
  });

  it('answers dbStats (db.stats()) with the counts as int64 and sizes scaled by `scale`', async () => {
    const docs = [{ _id: 1, name: 'a' }, { _id: 2, name: 'bb', tags: ['x', 'y'] }] as Document[];
    await things.insertMany(docs); // another database's: not counted
    const db = client.db(`${client.db().databaseName}_stats`);
    try {
      await db.collection('empty').createIndex({ k: 1 });
      await db.collection('two').insertMany(docs);
      const dataSize = docs.reduce((sum, doc) => sum + calculateObjectSize(doc), 0);
      const stats = await db.command({ dbStats: 1 }, { promoteLongs: false });
      expect(stats).toMatchObject({ db: db.databaseName, ok: 1, dataSize, avgObjSize: dataSize / 2 });
      // int64 counts, in mongod's order
      expect(Object.keys(stats).slice(0, 11)).toEqual(['db', 'collections', 'views', 'objects', 'avgObjSize', 'dataSize', 'storageSize', 'indexes', 'indexSize', 'totalSize', 'scaleFactor']);
      for (const [field, value] of Object.entries({ collections: 2, views: 0, objects: 2, indexes: 3, scaleFactor: 1 })) {
        expect(stats[field], field).toEqual(Long.fromNumber(value));
      }
      for (const field of ['storageSize', 'indexSize', 'totalSize', 'fsUsedSize', 'fsTotalSize']) expect(stats[field], field).toBeTypeOf('number');
      const scaled = await db.command({ dbStats: 1, scale: 1024.9 });
      expect(scaled).toMatchObject({ dataSize: dataSize / 1024, avgObjSize: dataSize / 2, scaleFactor: 1024 });
      expect((await failure(db.command({ dbStats: 1, scale: 0 }))).message).toMatch(/scale/);
      // A database that does not exist has nothing, and no file system figures.
      const none = await client.db(`${client.db().databaseName}_none`).command({ dbStats: 1 });
      expect(none).toMatchObject({ collections: 0, objects: 0, avgObjSize: 0, dataSize: 0, storageSize: 0, indexes: 0, totalSize: 0, fsUsedSize: 0, fsTotalSize: 0 });
    } finally {
      await db.dropDatabase();
    }
  });

  it('renames a collection with its documents and indexes, and refuses what mongod refuses', async () => {
    const db = client.db();
    const admin = client.db('admin');
    const from = db.collection('rename_from');
    await from.createIndex({ sku: 1 }, { unique: true });
    await from.insertMany([{ sku: 'a' }, { sku: 'b' }]);
    await db.collection('rename_taken').insertOne({ taken: true });
    try {
      const renamed = await from.rename('rename_to');
      expect((await renamed.find({}, { projection: { _id: 0 } }).toArray())).toEqual([{ sku: 'a' }, { sku: 'b' }]);
      expect((await renamed.listIndexes().toArray()).map((index) => index.name)).toEqual(['_id_', 'sku_1']);
      expect(await from.countDocuments()).toBe(0);
      expect((await db.listCollections({ name: 'rename_from' }).toArray())).toEqual([]);

      const ns = (name: string) => `${db.databaseName}.${name}`;
      const rename = (command: Document, on = admin) => failure(on.command(command));
      expect((await rename({ renameCollection: ns('rename_to'), to: ns('x') }, db)).code).toBe(13);
      expect((await rename({ renameCollection: ns('missing'), to: ns('x') })).code).toBe(26);
      expect((await rename({ renameCollection: ns('rename_to'), to: ns('rename_taken') })).code).toBe(48);
      expect((await rename({ renameCollection: ns('rename_to'), to: ns('rename_to') })).code).toBe(20);
      await admin.command({ renameCollection: ns('rename_to'), to: ns('rename_taken'), dropTarget: true });
      expect(await db.collection('rename_taken').countDocuments({ taken: true })).toBe(0);
      expect(await db.collection('rename_taken').countDocuments()).toBe(2);
    } finally {
      await db.collection('rename_to').drop().catch(() => undefined);
      await db.collection('rename_taken').drop().catch(() => undefined);
    }
  });

  it('explains a find with a well-formed queryPlanner', async () => {
    const plan = await things.find({ a: 1 }).explain('queryPlanner');
    expect(plan.queryPlanner).toMatchObject({ namespace: `${client.db().databaseName}.things`, winningPlan: { stage: expect.any(String) } });
  });

  it('refuses setParameter as mongod does', async () => {
    const error = await failure(client.db('admin').command({ setParameter: 1, noSuchParameter: 1 }));
    expect(error).toMatchObject({ code: 72, codeName: 'InvalidOptions' });
    expect((await failure(client.db().command({ setParameter: 1, x: 1 }))).code).toBe(13);
  });

  it('refuses the 8.0-only `sort` of updateOne/replaceOne as 7.0 does', async () => {
    await things.insertMany([{ k: 1 }, { k: 2 }]);
    const error = await failure(things.updateOne({}, { $set: { k: 3 } }, { sort: { k: -1 } } as never));
    // IDL's unknown-field error for the whole command (mongod's idl_parser.cpp)
    expect(error).toMatchObject({ code: 40415, codeName: 'IDLUnknownField', message: "BSON field 'update.updates.sort' is an unknown field." });
  });
});

describe('aggregation expressions and stages', () => {
  it('ignores null and missing operands of $max and $min, and traverses a single array operand', async () => {
    await things.insertOne({ _id: 1, n: 4, list: [4, 9, null] } as Document);
    const [doc] = await things
      .aggregate([
        {
          $project: {
            maxMissing: { $max: ['$missing', 3] },
            minMissing: { $min: ['$missing', 3] },
            maxNull: { $max: [null, '$n'] },
            onlyNulls: { $max: ['$missing', null] },
            traversed: { $max: '$list' },
            traversedLiteral: { $max: [[4, 9, null]] },
            date: { $max: ['$missing', new Date(5000)] },
          },
        },
      ])
      .toArray();
    expect(doc).toEqual({ _id: 1, maxMissing: 3, minMissing: 3, maxNull: 4, onlyNulls: null, traversed: 9, traversedLiteral: 9, date: new Date(5000) });
  });

  it('keeps a missing field out of $max in a pipeline upsert (a rate limiter’s bucket)', async () => {
    await things.findOneAndUpdate({ _id: 'bucket' } as Document, [{ $set: { tat: { $max: ['$tat', new Date(5000)] } } }], { upsert: true });
    expect(await things.findOne({ _id: 'bucket' } as Document)).toEqual({ _id: 'bucket', tat: new Date(5000) });
  });

  it('gives _id first in $project output', async () => {
    await things.insertOne({ _id: 1, a: 2, b: 3 } as Document);
    const [included] = await things.aggregate([{ $project: { b: 1, a: 1 } }]).toArray();
    const [computed] = await things.aggregate([{ $project: { z: { $add: ['$a', 1] } } }]).toArray();
    expect(Object.keys(included ?? {})).toEqual(['_id', 'a', 'b']);
    expect(Object.keys(computed ?? {})).toEqual(['_id', 'z']);
  });
});
