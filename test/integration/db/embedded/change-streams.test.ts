import { MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../support/mongo-client.js';

// Change streams need a replica set: the store answers as a standalone mongod 7.0 does, so
// callers can tell "not supported here" apart from a failure and fall back to polling.
// Runs against a real (standalone) MongoDB when MONGODB_URI is set.

const database = useTestDatabase();

const REFUSAL = { code: 40573, codeName: 'Location40573', message: 'The $changeStream stage is only supported on replica sets' };

describe('$changeStream on a standalone server', () => {
  it('refuses a collection watch() with code 40573', async () => {
    const collection = database.db.collection('watched');
    await collection.insertOne({ a: 1 });
    const stream = collection.watch();
    const error = await stream.next().catch((caught: unknown) => caught);
    await stream.close();
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject(REFUSAL);
  });

  it('refuses the aggregate stage itself, also on a database and a missing collection', async () => {
    const onMissing = await database.db.collection('nothing-here').aggregate([{ $changeStream: {} }]).toArray().catch((caught: unknown) => caught);
    expect(onMissing).toMatchObject(REFUSAL);
    const onDatabase = await database.db.aggregate([{ $changeStream: {} }, { $match: { operationType: 'insert' } }]).toArray().catch((caught: unknown) => caught);
    expect(onDatabase).toMatchObject(REFUSAL);
  });
});
