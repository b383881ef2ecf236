import type { Collection, Document } from 'mongodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { serverFailure as failure, useTestDatabase } from '../../../support/mongo-client.js';

// Field names with dots or a leading `$` can only be written through `$setField` (in an
// aggregation or a pipeline update); an object literal with such names is refused, as in
// mongod 7.0. Runs against a real MongoDB when MONGODB_URI is set.

const database = useTestDatabase();
let goods: Collection<Document>;

beforeEach(async () => {
  goods = database.db.collection('goods');
  await goods.deleteMany({});
  await goods.insertOne({ _id: 1 as never, item: 'shirt', 'price.usd': 45 });
});

const DOTTED = { code: 16412, message: "FieldPath field names may not contain '.'. Consider using $getField or $setField." };
const DOLLAR = { code: 16410, message: "FieldPath field names may not start with '$'. Consider using $getField or $setField." };

describe('$setField and $replaceWith with dotted or $-prefixed names', () => {
  it('pipeline updates write such fields with $setField (and $literal for a `$` name)', async () => {
    await goods.updateOne({ _id: 1 as never }, [{ $replaceWith: { $setField: { field: 'price.usd', input: '$$ROOT', value: 29 } } }]);
    await goods.updateOne({ _id: 1 as never }, [
      { $replaceWith: { $setField: { field: { $literal: '$rooms' }, input: '$$ROOT', value: { br: 2 } } } },
    ]);
    expect(await goods.findOne({ _id: 1 as never })).toEqual({ _id: 1, item: 'shirt', 'price.usd': 29, $rooms: { br: 2 } });
    const cheap = await goods.find({ $expr: { $lt: [{ $getField: 'price.usd' }, 30] } }).toArray();
    expect(cheap.map((doc) => doc._id)).toEqual([1]);
  });

  it('aggregations build them with $setField', async () => {
    const out = await goods
      .aggregate([{ $replaceWith: { $setField: { field: 'a.b', input: { _id: '$_id' }, value: { $getField: 'price.usd' } } } }])
      .toArray();
    expect(out).toEqual([{ _id: 1, 'a.b': 45 }]);
  });

  it('refuses object literals with such names: aggregate with 16412/16410', async () => {
    const dotted = await failure(goods.aggregate([{ $replaceWith: { 'a.b': 1 } }]).toArray());
    expect(dotted).toMatchObject({ ...DOTTED, codeName: 'Location16412' });
    const dollar = await failure(goods.aggregate([{ $replaceRoot: { newRoot: { x: { y: 1, $z: 2 } } } }]).toArray());
    expect(dollar).toMatchObject({ ...DOLLAR, codeName: 'Location16410' });
  });

  it('refuses them in pipeline updates as a write error, leaving the document alone', async () => {
    expect(await failure(goods.updateOne({ _id: 1 as never }, [{ $replaceWith: { 'a.b': 1 } }]))).toMatchObject(DOTTED);
    expect(await failure(goods.updateOne({ _id: 1 as never }, [{ $set: { x: { y: 1, $q: 1 } } }]))).toMatchObject({ code: 16410 });
    expect(await goods.findOne({ _id: 1 as never })).toEqual({ _id: 1, item: 'shirt', 'price.usd': 45 });
  });
});
