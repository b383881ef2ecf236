import type { Collection, Document } from 'mongodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { serverFailure as failure, useTestDatabase } from '../../../support/mongo-client.js';

// A command's `let` defines `$$name` variables for `$expr` in its filter and for its aggregation
// expressions (pipelines, pipeline updates), as in mongod 7.0. Runs against a real MongoDB when
// MONGODB_URI is set.

const database = useTestDatabase();
let items: Collection<Document>;

beforeEach(async () => {
  items = database.db.collection('items');
  await items.deleteMany({});
  await items.insertMany([
    { _id: 1, name: 'a', qty: 2 },
    { _id: 2, name: 'b', qty: 5 },
    { _id: 3, name: 'c', qty: 9 },
  ] as never[]);
});

const ids = (docs: Document[]): unknown[] => docs.map((doc) => doc._id);

describe('let variables', () => {
  it('find: $expr reads them; a value is an expression and may use the variables before it', async () => {
    const found = await items.find({ $expr: { $eq: ['$qty', '$$target'] } }, { let: { target: 5 } }).toArray();
    expect(ids(found)).toEqual([2]);
    const computed = await items
      .find({ $expr: { $gt: ['$qty', '$$twice'] } }, { let: { base: { $add: [1, 1] }, twice: { $multiply: ['$$base', 2] } } })
      .toArray();
    expect(ids(computed)).toEqual([2, 3]);
  });

  it('aggregate: in $match and in computed fields', async () => {
    const out = await items
      .aggregate([{ $match: { $expr: { $gte: ['$qty', '$$min'] } } }, { $project: { over: { $subtract: ['$qty', '$$min'] } } }], { let: { min: 5 } })
      .toArray();
    expect(out).toEqual([
      { _id: 2, over: 0 },
      { _id: 3, over: 4 },
    ]);
  });

  it('update: the filter and a pipeline update read them; operator updates store `$$x` as a string', async () => {
    const result = await items.updateMany({ $expr: { $lt: ['$qty', '$$limit'] } }, [{ $set: { qty: '$$limit' } }], { let: { limit: 6 } });
    expect(result.modifiedCount).toBe(2);
    await items.updateOne({ _id: 3 as never }, { $set: { note: '$$limit' } }, { let: { limit: 6 } });
    expect(await items.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, name: 'a', qty: 6 },
      { _id: 2, name: 'b', qty: 6 },
      { _id: 3, name: 'c', qty: 9, note: '$$limit' },
    ]);
  });

  it('delete and findAndModify', async () => {
    expect((await items.deleteMany({ $expr: { $eq: ['$name', '$$gone'] } }, { let: { gone: 'b' } })).deletedCount).toBe(1);
    const after = await items.findOneAndUpdate({ $expr: { $eq: ['$name', '$$who'] } }, [{ $set: { tag: '$$label' } }], {
      let: { who: 'c', label: 'picked' },
      returnDocument: 'after',
    });
    expect(after).toEqual({ _id: 3, name: 'c', qty: 9, tag: 'picked' });
    const removed = await items.findOneAndDelete({ $expr: { $eq: ['$_id', '$$id'] } }, { let: { id: 1 } });
    expect(removed).toEqual({ _id: 1, name: 'a', qty: 2 });
    expect(ids(await items.find().toArray())).toEqual([3]);
  });

  it('refuses an undefined variable with 17276', async () => {
    const error = await failure(items.find({ $expr: { $eq: ['$qty', '$$nope'] } }).toArray());
    expect(error).toMatchObject({ code: 17276, codeName: 'Location17276', message: 'Use of undefined variable: nope' });
  });

  it('refuses bad `let` names and values as mongod does', async () => {
    const find = (variables: Document): Promise<unknown> => items.find({}, { let: variables }).toArray();
    expect(await failure(find({ Bad: 1 }))).toMatchObject({
      code: 9,
      codeName: 'FailedToParse',
      message: "Invalid 'let' parameter :: caused by :: 'Bad' starts with an invalid character for a user variable name",
    });
    expect(await failure(find({ 'a-b': 1 }))).toMatchObject({
      code: 9,
      message: "Invalid 'let' parameter :: caused by :: 'a-b' contains an invalid character for a variable name: '-'",
    });
    expect(await failure(find({ NOW: 1 }))).toMatchObject({ code: 4738901, message: 'Attempt to set internal constant: NOW' });
    expect(await failure(find({ x: '$qty' }))).toMatchObject({
      code: 4890500,
      message:
        'Command let Expression tried to access a field, but this is not allowed becauseCommand let Expressions run before the query examines any documents.',
    });
  });
});
