import { Binary, type Collection, DBRef, type Document, Double, Long, MongoServerError, ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../support/mongo-client.js';

// Values and field names queries meet: BinData order, DBRef parts, `__proto__` fields and
// `$`-prefixed top-level keys, answered as mongod 7.0 does. Runs against a real MongoDB when
// MONGODB_URI is set.

const database = useTestDatabase();

const collection = (name: string): Collection<Document> => database.db.collection(name);
const ids = async (cursor: { toArray(): Promise<Document[]> }): Promise<unknown[]> => (await cursor.toArray()).map((doc) => doc._id);
const bin = (bytes: number[], subtype = 0): Binary => new Binary(Buffer.from(bytes), subtype);

describe('BinData order: length, then subtype, then bytes', () => {
  it('sorts and answers ranges in that order', async () => {
    const blobs = collection('blobs');
    await blobs.insertMany([
      { _id: 1, b: bin([1, 2, 3]) },
      { _id: 2, b: bin([9]) },
      { _id: 3, b: bin([1, 2], 5) },
      { _id: 4, b: bin([0, 0, 0], 4) },
      { _id: 5, b: bin([1, 2, 4]) },
    ] as never[]);
    expect(await ids(blobs.find().sort({ b: 1 }))).toEqual([2, 3, 1, 5, 4]);
    expect(await ids(blobs.find({ b: { $gt: bin([1, 2]) } }).sort({ _id: 1 }))).toEqual([1, 3, 4, 5]);
    expect(await ids(blobs.find({ b: { $lte: bin([1, 2, 3]) } }).sort({ _id: 1 }))).toEqual([1, 2, 3]);
    // equality needs the same subtype too
    expect(await ids(blobs.find({ b: bin([1, 2]) }))).toEqual([]);
    expect(await ids(blobs.find({ b: bin([1, 2], 5) }))).toEqual([3]);
  });
});

describe('DBRef parts in queries', () => {
  it('matches ref.$id and ref.$ref, and a whole DBRef', async () => {
    const user = new ObjectId();
    const posts = collection('posts');
    await posts.insertMany([
      { _id: 1, author: new DBRef('users', user) },
      { _id: 2, author: new DBRef('users', new ObjectId()) },
      { _id: 3, author: new DBRef('teams', user) },
    ] as never[]);
    expect(await ids(posts.find({ 'author.$id': user }).sort({ _id: 1 }))).toEqual([1, 3]);
    expect(await ids(posts.find({ 'author.$ref': 'users' }).sort({ _id: 1 }))).toEqual([1, 2]);
    expect(await ids(posts.find({ author: new DBRef('users', user) }))).toEqual([1]);
    expect((await posts.findOne({ _id: 1 as never }))?.author).toEqual(new DBRef('users', user));
  });
});

describe('`__proto__` is an ordinary field name', () => {
  it('stores, matches and updates it without touching Object.prototype', async () => {
    const odd = collection('odd');
    await odd.insertOne(JSON.parse('{"_id": 1, "__proto__": {"polluted": 1}, "a": {"__proto__": {"x": 2}}}') as Document);
    expect(await ids(odd.find(JSON.parse('{"__proto__.polluted": 1}') as Document))).toEqual([1]);
    expect(await ids(odd.find(JSON.parse('{"a.__proto__.x": 2}') as Document))).toEqual([1]);
    await odd.updateOne({ _id: 1 as never }, JSON.parse('{"$set": {"__proto__.y": 3}, "$inc": {"a.__proto__.x": 1, "__proto__.n": 1}}') as Document);
    await odd.updateOne(JSON.parse('{"__proto__.u": 7}') as Document, { $set: { k: 1 } }, { upsert: true });
    const docs = await odd.find().sort({ _id: 1 }).toArray();
    expect(docs.map((doc) => JSON.stringify(doc))).toEqual([
      // mongod adds new fields of one update in lexicographic order of their paths: n, then y
      '{"_id":1,"__proto__":{"polluted":1,"n":1,"y":3},"a":{"__proto__":{"x":3}}}',
      expect.stringMatching(/^\{"_id":"[0-9a-f]{24}","__proto__":\{"u":7\},"k":1\}$/),
    ]);
    const probe: Record<string, unknown> = {};
    expect([probe.polluted, probe.y, probe.n, probe.u]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('`$`-prefixed top-level query keys', () => {
  it('answers an unknown top-level operator with BadValue and mongod\u2019s hint, also on an empty collection', async () => {
    const hint = "If you have a field name that starts with a '$' symbol, consider using $getField or $setField.";
    for (const name of ['blobs', 'nothing-here']) {
      const error = await collection(name).find({ $price: 5 } as never).toArray().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MongoServerError);
      expect(error).toMatchObject({ code: 2, codeName: 'BadValue', message: `unknown top level operator: $price. ${hint}` });
    }
    const negated = await collection('blobs').find({ $not: { b: 1 } } as never).toArray().catch((caught: unknown) => caught);
    expect(negated).toMatchObject({ code: 2, message: 'unknown top level operator: $not. If you are trying to negate an entire expression, use $nor.' });
  });
});

describe('_id equality and $in beside other conditions', () => {
  it('matches the _id values by BSON equality and still applies the rest of the filter', async () => {
    const things = collection('idlookup');
    await things.insertMany([
      { _id: 1, tag: 'a' },
      { _id: 2, tag: 'b' },
      { _id: 3, tag: 'a' },
      { _id: 'x', tag: 'a' },
      { _id: 5, tag: 'a' },
    ] as never[]);
    // 2.0 and NumberLong(3) equal the stored 2 and 3; 4 is absent; the tag leaves out 2.
    const filter = { _id: { $in: [1, new Double(2), Long.fromNumber(3), 4, 'x'] }, tag: 'a' };
    expect(await ids(things.find(filter as never).sort({ _id: 1 }))).toEqual([1, 3, 'x']);
    expect(await ids(things.find({ _id: 3, tag: 'b' } as never))).toEqual([]);
    expect(await ids(things.find({ _id: { $in: [/^x/] }, tag: 'a' } as never))).toEqual(['x']);
  });

  it('updates exactly the listed documents the rest of the filter matches, as a lease renewal does', async () => {
    const leases = collection('idleases');
    const all = Array.from({ length: 30 }, (_, i) => ({ _id: new ObjectId(), owner: i % 3 === 0 ? 'other' : 'me', expiresAt: 0 }));
    await leases.insertMany(all);
    const listed = all.slice(0, 20).map((doc) => doc._id);
    const result = await leases.updateMany({ _id: { $in: listed }, owner: 'me' }, { $set: { expiresAt: 1 } });
    const expected = all.slice(0, 20).filter((doc) => doc.owner === 'me').map((doc) => String(doc._id));
    expect(result.matchedCount).toBe(expected.length);
    expect(result.modifiedCount).toBe(expected.length);
    const renewed = (await leases.find({ expiresAt: 1 }).toArray()).map((doc) => String(doc._id));
    expect(renewed.sort()).toEqual(expected.sort());
  });
});
