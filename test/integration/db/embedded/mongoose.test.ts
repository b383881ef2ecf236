import mongoose from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestMongo } from '../../../support/test-mongo.js';
import { startTestMongo } from '../../../support/test-mongo.js';

// Driven through mongoose exactly as the application uses it. Runs against the embedded store, or
// against a real MongoDB when MONGODB_URI is set (see docs/embedded-store.md).

interface User {
  email: string;
  name: string;
  age?: number;
  tags?: string[];
}

interface Post {
  title: string;
  author: mongoose.Types.ObjectId;
  likes: number;
}

let mongo: TestMongo;
let connection: mongoose.Connection;
let Users: mongoose.Model<User>;
let Posts: mongoose.Model<Post>;

beforeAll(async () => {
  mongo = await startTestMongo();
  connection = await mongoose.createConnection(mongo.uri).asPromise();
  const userSchema = new mongoose.Schema<User>({
    email: { type: String, required: true, unique: true },
    name: { type: String, required: true, minlength: 2 },
    age: { type: Number, min: 0 },
    tags: [String],
  });
  Users = connection.model<User>('User', userSchema);
  Posts = connection.model<Post>(
    'Post',
    new mongoose.Schema<Post>({
      title: String,
      author: { type: mongoose.Schema.Types.ObjectId, ref: 'User' },
      likes: { type: Number, default: 0 },
    }),
  );
  await Users.init();
  await Posts.init();
});

afterEach(async () => {
  await Users.deleteMany({});
  await Posts.deleteMany({});
});

afterAll(async () => {
  await connection?.close();
  await mongo?.stop();
});

describe('mongoose against the store', () => {
  it('creates a document and reads it back with the same field values and an ObjectId _id', async () => {
    const created = await Users.create({ email: 'a@x.io', name: 'Ann', age: 31, tags: ['x', 'y'] });
    const found = await Users.findById(created._id).lean();
    expect(found).toMatchObject({ email: 'a@x.io', name: 'Ann', age: 31, tags: ['x', 'y'], __v: 0 });
    expect(found?._id).toBeInstanceOf(mongoose.Types.ObjectId);
    expect(String(found?._id)).toBe(String(created._id));
  });

  it('rejects an invalid document in mongoose validation before it reaches the store', async () => {
    await expect(Users.create({ email: 'b@x.io', name: 'B' })).rejects.toThrow(mongoose.Error.ValidationError);
    expect(await Users.countDocuments()).toBe(0);
  });

  it('raises a MongoServerError with code 11000, keyPattern and keyValue for a duplicate unique field', async () => {
    await Users.create({ email: 'dup@x.io', name: 'First' });
    const error = await Users.create({ email: 'dup@x.io', name: 'Second' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      name: 'MongoServerError',
      code: 11000,
      keyPattern: { email: 1 },
      keyValue: { email: 'dup@x.io' },
    });
    expect((error as Error).message).toMatch(/E11000 duplicate key error collection: .*\.users index: email_1 dup key: \{ email: "dup@x.io" \}/);
  });

  it('creates the schema unique index so that listIndexes shows it as unique', async () => {
    const indexes = await Users.listIndexes();
    expect(indexes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: '_id_', key: { _id: 1 } }),
        expect.objectContaining({ name: 'email_1', key: { email: 1 }, unique: true }),
      ]),
    );
  });

  it('upserts with findOneAndUpdate, applying $setOnInsert only when inserting', async () => {
    const inserted = await Users.findOneAndUpdate(
      { email: 'up@x.io' },
      { $set: { name: 'Upserted' }, $setOnInsert: { age: 1 } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    expect(inserted).toMatchObject({ email: 'up@x.io', name: 'Upserted', age: 1 });
    const updated = await Users.findOneAndUpdate(
      { email: 'up@x.io' },
      { $set: { name: 'Again' }, $setOnInsert: { age: 99 } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    expect(updated).toMatchObject({ _id: inserted?._id, name: 'Again', age: 1 });
    expect(await Users.countDocuments({ email: 'up@x.io' })).toBe(1);
  });

  it('returns the document before the update when asked for it', async () => {
    await Users.create({ email: 'before@x.io', name: 'Old', age: 5 });
    const before = await Users.findOneAndUpdate({ email: 'before@x.io' }, { $inc: { age: 2 } }, { returnDocument: 'before' }).lean();
    expect(before?.age).toBe(5);
    expect((await Users.findOne({ email: 'before@x.io' }).lean())?.age).toBe(7);
  });

  it('counts documents matching a filter with countDocuments and estimatedDocumentCount', async () => {
    await Users.create([
      { email: '1@x.io', name: 'One', age: 10 },
      { email: '2@x.io', name: 'Two', age: 20 },
      { email: '3@x.io', name: 'Three', age: 30 },
    ]);
    expect(await Users.countDocuments({ age: { $gte: 20 } })).toBe(2);
    expect(await Users.countDocuments({ age: { $gt: 100 } })).toBe(0);
    expect(await Users.estimatedDocumentCount()).toBe(3);
  });

  it('populates a reference with the referenced document', async () => {
    const author = await Users.create({ email: 'author@x.io', name: 'Author' });
    await Posts.create({ title: 'Hello', author: author._id });
    const post = await Posts.findOne({ title: 'Hello' }).populate<{ author: User }>('author').lean();
    expect(post?.author).toMatchObject({ email: 'author@x.io', name: 'Author' });
  });

  it('pages through sorted results with sort, skip and limit', async () => {
    await Users.insertMany(
      Array.from({ length: 25 }, (_, i) => ({ email: `p${i}@x.io`, name: `User ${String(i).padStart(2, '0')}`, age: i })),
    );
    const page = await Users.find({}, { age: 1, _id: 0 }).sort({ age: -1 }).skip(10).limit(5).lean();
    expect(page.map((user) => user.age)).toEqual([14, 13, 12, 11, 10]);
  });

  it('inserts the documents before a duplicate in an ordered insertMany and reports the failing index', async () => {
    await Users.create({ email: 'taken@x.io', name: 'Taken' });
    const error = await Users.insertMany([
      { email: 'm1@x.io', name: 'M1' },
      { email: 'taken@x.io', name: 'Dup' },
      { email: 'm3@x.io', name: 'M3' },
    ]).catch((caught: unknown) => caught as { code: number; writeErrors: Array<{ index: number; code: number }> });
    expect(error).toMatchObject({ name: 'MongoBulkWriteError', code: 11000 });
    expect((error as { writeErrors: Array<{ index: number; code: number }> }).writeErrors.map((w) => [w.index, w.code])).toEqual([[1, 11000]]);
    expect((await Users.find({}).lean()).map((user) => user.email).sort()).toEqual(['m1@x.io', 'taken@x.io']);
  });

  it('inserts every other document of an unordered insertMany that contains a duplicate', async () => {
    const error = await Users.insertMany(
      [
        { email: 'u1@x.io', name: 'U1' },
        { email: 'u1@x.io', name: 'U1 again' },
        { email: 'u3@x.io', name: 'U3' },
      ],
      { ordered: false },
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 11000 });
    expect(await Users.countDocuments()).toBe(2);
  });

  it('updates many documents and reports matched and modified counts', async () => {
    await Users.create([
      { email: 'a1@x.io', name: 'A1', age: 1 },
      { email: 'a2@x.io', name: 'A2', age: 2 },
      { email: 'a3@x.io', name: 'A3', age: 50 },
    ]);
    const result = await Users.updateMany({ age: { $lt: 10 } }, { $push: { tags: 'young' } });
    expect(result).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect(await Users.countDocuments({ tags: 'young' })).toBe(2);
  });

  it('deletes one and many documents', async () => {
    await Users.create([
      { email: 'd1@x.io', name: 'D1', age: 1 },
      { email: 'd2@x.io', name: 'D2', age: 1 },
      { email: 'd3@x.io', name: 'D3', age: 2 },
    ]);
    expect((await Users.deleteOne({ age: 1 })).deletedCount).toBe(1);
    expect((await Users.deleteMany({})).deletedCount).toBe(2);
  });

  it('syncIndexes drops an index the schema no longer declares', async () => {
    await Users.collection.createIndex({ name: 1 }, { name: 'name_1' });
    const dropped = await Users.syncIndexes();
    expect(dropped).toEqual(['name_1']);
    expect((await Users.listIndexes()).map((index) => index.name).sort()).toEqual(['_id_', 'email_1']);
  });
});
