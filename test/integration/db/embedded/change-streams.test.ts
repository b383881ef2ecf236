import type { ChangeStream, ChangeStreamDocument, Document } from 'mongodb';
import { MongoClient, MongoServerError, Timestamp } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { serverFailure, useTestDatabase } from '../../../support/mongo-client.js';

// Change streams on a (single-node) replica set: what the driver's watch() sees for each kind of
// write, resuming, pipelines after $changeStream, a waiting getMore that holds nothing else up,
// and what is refused. Runs against a real replica set when MONGODB_URI names one.

const database = useTestDatabase();
/** Documents whose `_id` is a number or a string, with any other fields. */
type Row = { _id: number | string } & Record<string, unknown>;

const streams: ChangeStream[] = [];

afterEach(async () => {
  for (const stream of streams.splice(0)) await stream.close();
});

function open<T extends Document = Document>(name: string, pipeline: Document[], options: Document): ChangeStream<T> {
  // A short wait per getMore: the stream's first (empty) round trip below ends quickly.
  const stream = database.db.collection<T>(name).watch(pipeline, { maxAwaitTimeMS: 50, ...options });
  streams.push(stream);
  return stream;
}

/** A stream that has sent its aggregate: changes made after this resolves are in it. */
async function watch<T extends Document = Document>(name: string, pipeline: Document[] = [], options: Document = {}): Promise<ChangeStream<T>> {
  const stream = open<T>(name, pipeline, options);
  expect(await stream.tryNext()).toBeNull();
  return stream;
}

describe('change streams', () => {
  it('reports inserts, updates, replacements and deletes, with resume tokens and times', async () => {
    const collection = database.db.collection<Row>('events');
    const stream = await watch('events');
    await collection.insertOne({ _id: 1, name: 'a', lease: { owner: 'n1', expiresAt: 1 }, gone: true });
    await collection.updateOne({ _id: 1 }, { $set: { 'lease.owner': 'n2', name: 'b' }, $unset: { gone: '' } });
    await collection.replaceOne({ _id: 1 }, { name: 'c' });
    await collection.deleteOne({ _id: 1 });

    const insert = await stream.next();
    expect(insert).toMatchObject({
      operationType: 'insert',
      ns: { db: database.db.databaseName, coll: 'events' },
      documentKey: { _id: 1 },
      fullDocument: { _id: 1, name: 'a', lease: { owner: 'n1', expiresAt: 1 }, gone: true },
    });
    expect(insert._id).toEqual({ _data: expect.any(String) });
    expect((insert as { clusterTime: unknown }).clusterTime).toBeInstanceOf(Timestamp);
    expect((insert as { wallTime: unknown }).wallTime).toBeInstanceOf(Date);

    const update = await stream.next();
    expect(update).toMatchObject({
      operationType: 'update',
      documentKey: { _id: 1 },
      updateDescription: { updatedFields: { 'lease.owner': 'n2', name: 'b' }, removedFields: ['gone'], truncatedArrays: [] },
    });
    expect(update).not.toHaveProperty('fullDocument');
    expect(await stream.next()).toMatchObject({ operationType: 'replace', documentKey: { _id: 1 }, fullDocument: { _id: 1, name: 'c' } });
    expect(await stream.next()).toMatchObject({ operationType: 'delete', documentKey: { _id: 1 } });
  });

  it('reports upserts as inserts, arrays element by element, and looks up the document on request', async () => {
    const collection = database.db.collection<Row>('arrays');
    const stream = await watch('arrays', [], { fullDocument: 'updateLookup' });
    await collection.updateOne({ _id: 'u' }, { $set: { tags: ['a', 'b', 'c'] } }, { upsert: true });
    await collection.updateOne({ _id: 'u' }, { $push: { tags: 'd' } } as Document);
    await collection.updateOne({ _id: 'u' }, { $pop: { tags: 1 } } as Document);
    await collection.findOneAndUpdate({ _id: 'u' }, { $pop: { tags: 1 } } as Document);

    expect(await stream.next()).toMatchObject({ operationType: 'insert', fullDocument: { _id: 'u', tags: ['a', 'b', 'c'] } });
    expect(await stream.next()).toMatchObject({ operationType: 'update', updateDescription: { updatedFields: { 'tags.3': 'd' } } });
    // updateLookup reads the document when the event is read: by then both pops have run.
    expect(await stream.next()).toMatchObject({
      updateDescription: { updatedFields: {}, truncatedArrays: [{ field: 'tags', newSize: 3 }] },
      fullDocument: { _id: 'u', tags: ['a', 'b'] },
    });
    expect(await stream.next()).toMatchObject({ updateDescription: { truncatedArrays: [{ field: 'tags', newSize: 2 }] } });
  });

  it('runs the stages after $changeStream on every event, and resumes after a token or from a time', async () => {
    const collection = database.db.collection<Row>('filtered');
    const stream = await watch('filtered', [
      { $match: { $expr: { $gt: [{ $size: { $objectToArray: { $ifNull: ['$updateDescription.updatedFields', {}] } } }, 1] } } },
      { $project: { operationType: 1, 'updateDescription.updatedFields': 1 } },
    ]);
    await collection.insertOne({ _id: 1 });
    await collection.updateOne({ _id: 1 }, { $set: { a: 1 } });
    await collection.updateOne({ _id: 1 }, { $set: { a: 2, b: 2 } });
    await collection.updateOne({ _id: 1 }, { $set: { a: 3, b: 3, c: 3 } });
    const first = await stream.next();
    expect(first).toEqual({ _id: expect.any(Object), operationType: 'update', updateDescription: { updatedFields: { a: 2, b: 2 } } });

    const resumed = open('filtered', [], { resumeAfter: first._id });
    expect(await resumed.next()).toMatchObject({ updateDescription: { updatedFields: { a: 3, b: 3, c: 3 } } });
    const clusterTime = (await open('filtered', [], { startAfter: first._id }).next()).clusterTime as Timestamp;
    const fromTime = open('filtered', [], { startAtOperationTime: clusterTime });
    expect(await fromTime.next()).toMatchObject({ updateDescription: { updatedFields: { a: 3, b: 3, c: 3 } } });
  });

  it('answers other commands while a getMore waits for events, and hands the waiter the next change', async () => {
    const collection = database.db.collection<Row>('waiting');
    const start = await watch('waiting');
    // Waits a minute per getMore, from the point the first stream stands at.
    const stream = open('waiting', [], { maxAwaitTimeMS: 60_000, resumeAfter: start.resumeToken });
    let settled = false;
    const next = stream.next().then((change) => {
      settled = true;
      return change;
    });
    // A second client: its commands go over other connections while the getMore is parked.
    const other = await new MongoClient(database.uri).connect();
    try {
      await other.db().collection('elsewhere').insertOne({ x: 1 });
      expect(await other.db().collection('elsewhere').countDocuments()).toBe(1);
      expect(settled).toBe(false);
      await collection.insertOne({ _id: 'woken' });
      expect(await next).toMatchObject({ operationType: 'insert', documentKey: { _id: 'woken' } });
    } finally {
      await other.close();
    }
  });

  it('ends with invalidate when the collection is dropped', async () => {
    const collection = database.db.collection<Row>('dropped');
    await collection.insertOne({ _id: 0 });
    const stream = await watch('dropped');
    await collection.insertOne({ _id: 1 });
    await collection.drop();
    expect(await stream.next()).toMatchObject({ operationType: 'insert' });
    expect(await stream.next()).toMatchObject({ operationType: 'drop', ns: { coll: 'dropped' } });
    const invalidate: ChangeStreamDocument = await stream.next();
    expect(invalidate.operationType).toBe('invalidate');
    expect(stream.closed || !(await stream.hasNext().catch(() => false))).toBe(true);
  });

  it('reports a rename to the streams of the old name, ending a collection stream with invalidate', async () => {
    const collection = database.db.collection<Row>('renamed');
    await collection.insertOne({ _id: 0 });
    const stream = await watch('renamed');
    const onDatabase = database.db.watch([], { maxAwaitTimeMS: 50 });
    streams.push(onDatabase);
    await onDatabase.tryNext();
    await collection.rename('renamed-to');
    const to = { db: database.db.databaseName, coll: 'renamed-to' };
    expect(await stream.next()).toMatchObject({ operationType: 'rename', ns: { coll: 'renamed' }, to });
    expect((await stream.next()).operationType).toBe('invalidate');
    expect(await onDatabase.next()).toMatchObject({ operationType: 'rename', to });
  });

  it('watches a whole database with aggregate: 1', async () => {
    const stream = database.db.watch([{ $match: { operationType: 'insert' } }], { maxAwaitTimeMS: 50 });
    streams.push(stream);
    await stream.tryNext();
    await database.db.collection('one').insertOne({ n: 1 });
    await database.db.collection('two').insertOne({ n: 2 });
    expect((await stream.next()) as { ns: unknown }).toMatchObject({ ns: { coll: 'one' } });
    expect((await stream.next()) as { ns: unknown }).toMatchObject({ ns: { coll: 'two' } });
  });

  it('refuses malformed change streams with command errors', async () => {
    const aggregate = (pipeline: Document[]) => database.db.command({ aggregate: 'bad', pipeline, cursor: {} });
    expect((await serverFailure(aggregate([{ $changeStream: { nonsense: 1 } }]))).code).toBe(40415);
    expect((await serverFailure(aggregate([{ $match: {} }, { $changeStream: {} }]))).code).toBe(40602);
    expect(await serverFailure(aggregate([{ $changeStream: {} }, { $group: { _id: null } }]))).toBeInstanceOf(MongoServerError);
    expect(await serverFailure(aggregate([{ $changeStream: { resumeAfter: { _data: 'zz' } } }]))).toBeInstanceOf(MongoServerError);
    expect(await serverFailure(aggregate([{ $changeStream: { fullDocument: 'sometimes' } }]))).toBeInstanceOf(MongoServerError);
    // The store still answers.
    expect(await database.db.command({ ping: 1 })).toMatchObject({ ok: 1 });
  });
});
