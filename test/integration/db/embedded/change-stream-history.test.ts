import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { type AddressInfo, createConnection, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import type { ChangeStream, Document } from 'mongodb';
import { Long, MongoClient, UUID } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddedMongoOptions } from '../../../../src/db/embedded/index.js';
import { startEmbeddedMongo } from '../../../../src/db/embedded/index.js';
import { serverFailure } from '../../../support/mongo-client.js';

// The embedded store's own side of change streams: the replica set it reports, its bounded
// history (a ring in memory, gone with the process), TTL deletes, committed changes only,
// retryable writes, and the standalone mode that refuses change streams as mongod does.

/** Documents whose `_id` is a number or a string, with any other fields. */
type Row = { _id: number | string } & Record<string, unknown>;

const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: EmbeddedMongoOptions = {}) {
  const store = await startEmbeddedMongo(options);
  cleanups.push(() => store.stop());
  const client = await new MongoClient(`${store.uri}/app`).connect();
  cleanups.push(() => client.close());
  return { store, client, db: client.db() };
}

/** A stream whose aggregate has been answered; later changes are in it. */
async function watching(client: MongoClient, name: string, options: Document = {}): Promise<ChangeStream> {
  const stream = client.db().collection(name).watch([], { maxAwaitTimeMS: 50, ...options });
  cleanups.push(() => stream.close());
  expect(await stream.tryNext()).toBeNull();
  return stream;
}

describe('the embedded store as a replica set', () => {
  it('reports itself as the primary of a one-node set at the address the client used', async () => {
    const { client, store } = await start();
    const hello = await client.db('admin').command({ hello: 1 });
    const me = `127.0.0.1:${store.port}`;
    expect(hello).toMatchObject({ setName: 'rs0', hosts: [me], primary: me, me, isWritablePrimary: true, secondary: false, setVersion: 1 });
    expect(hello).not.toHaveProperty('topologyVersion');
    expect(client.options.hosts.map(String)).toEqual([me]);
  });

  it('runs a retried write (same session and txnNumber) once, and refuses transactions', async () => {
    const { db, client } = await start();
    const stream = await watching(client, 'retried');
    const write = { insert: 'retried', documents: [{ _id: 1 }], lsid: { id: new UUID() }, txnNumber: Long.fromNumber(7) };
    expect(await db.command(write)).toMatchObject({ n: 1, ok: 1 });
    expect(await db.command(write)).toMatchObject({ n: 1, ok: 1 });
    expect(await db.collection<Row>('retried').countDocuments()).toBe(1);
    await db.collection<Row>('retried').insertOne({ _id: 'marker' });
    expect(await stream.next()).toMatchObject({ documentKey: { _id: 1 } });
    expect(await stream.next()).toMatchObject({ documentKey: { _id: 'marker' } });
    const transaction = { ...write, txnNumber: Long.fromNumber(8), startTransaction: true, autocommit: false };
    expect(await serverFailure(db.command(transaction))).toMatchObject({ code: 20, codeName: 'IllegalOperation' });
  });

  it('publishes committed changes only, TTL deletes included', async () => {
    const { db, client } = await start({ ttlSweepIntervalMs: 50 });
    const expiring = db.collection<Row>('expiring');
    await expiring.createIndex({ at: 1 }, { expireAfterSeconds: 0 });
    const stream = await watching(client, 'expiring');
    // The second document is refused (duplicate _id): only the first is a change.
    await expiring.insertMany([{ _id: 1, at: new Date(Date.now() + 3_600_000) }, { _id: 1 }]).catch(() => undefined);
    // A failed update changes nothing.
    await expiring.updateOne({ _id: 1 }, { $push: { at: 1 } } as Document).catch(() => undefined);
    await expiring.insertOne({ _id: 2, at: new Date(0) });
    expect(await stream.next()).toMatchObject({ operationType: 'insert', documentKey: { _id: 1 } });
    expect(await stream.next()).toMatchObject({ operationType: 'insert', documentKey: { _id: 2 } });
    // The TTL monitor's delete, as mongod reports it.
    expect(await stream.next()).toMatchObject({ operationType: 'delete', documentKey: { _id: 2 } });
  });

  it('answers a waiting getMore with CursorKilled when its cursor is killed', async () => {
    const { db, store } = await start();
    const opened = await db.command({ aggregate: 'killed', pipeline: [{ $changeStream: {} }], cursor: {} });
    const id = opened.cursor.id as Long;
    const waiting = db.command({ getMore: id, collection: 'killed', maxTimeMS: 60_000 });
    const other = await new MongoClient(`${store.uri}/app`).connect();
    try {
      expect(await other.db().command({ killCursors: 'killed', cursors: [id] })).toMatchObject({ cursorsKilled: [id] });
    } finally {
      await other.close();
    }
    expect(await serverFailure(waiting)).toMatchObject({ code: 237, codeName: 'CursorKilled' });
  });

  it('refuses to resume from a point older than its history, and the driver does not retry that', async () => {
    const { db, client } = await start({ changeHistorySize: 4 });
    const first = await watching(client, 'ring');
    await db.collection<Row>('ring').insertOne({ _id: 0 });
    const token = (await first.next())._id;
    for (let i = 1; i <= 7; i++) await db.collection<Row>('ring').insertOne({ _id: i });
    const tail = await watching(client, 'ring');
    await db.collection<Row>('ring').insertOne({ _id: 8 });
    const eighth = await tail.next();
    const late = client.db().collection('ring').watch([], { resumeAfter: token });
    cleanups.push(() => late.close());
    expect(await serverFailure(late.next())).toMatchObject({ code: 286, codeName: 'ChangeStreamHistoryLost' });
    // A stream that fell that far behind cannot go on either.
    expect(await serverFailure(first.next())).toMatchObject({ code: 286 });
    // A recent point still resumes.
    const recent = client.db().collection('ring').watch([], { startAtOperationTime: eighth.clusterTime as never });
    cleanups.push(() => recent.close());
    expect(await recent.next()).toMatchObject({ documentKey: { _id: 8 } });
  });

  it('gives a stream whose connection broke the changes made meanwhile, when its driver resumes it', async () => {
    const { store, db } = await start();
    // A TCP relay in front of the store whose connections the test cuts.
    const relayed = new Set<Socket>();
    const relay = createServer((client) => {
      const upstream = createConnection(store.port, '127.0.0.1');
      relayed.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const cut = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', cut).on('close', cut);
      upstream.on('error', cut).on('close', cut);
    });
    relay.listen(0, '127.0.0.1');
    await once(relay, 'listening');
    cleanups.push(() => new Promise((resolve) => relay.close(resolve)));
    const port = (relay.address() as AddressInfo).port;
    // directConnection: the store lists its own address, which would take the driver past the relay.
    const client = await new MongoClient(`mongodb://127.0.0.1:${port}/app?directConnection=true`, { monitorCommands: true }).connect();
    cleanups.push(() => client.close());
    const aggregates: Document[] = [];
    client.on('commandStarted', (event) => {
      if (event.commandName === 'aggregate') aggregates.push(event.command);
    });
    const first = await watching(client, 'relayed');
    // Each getMore waits up to a minute: the cut below finds one in flight.
    const stream = client.db().collection('relayed').watch([], { maxAwaitTimeMS: 60_000, resumeAfter: first.resumeToken });
    cleanups.push(() => stream.close());
    await db.collection<Row>('relayed').insertOne({ _id: 1 });
    expect(await stream.next()).toMatchObject({ documentKey: { _id: 1 } });

    const next = stream.next();
    for (const socket of relayed) socket.destroy();
    await db.collection<Row>('relayed').insertOne({ _id: 2 });
    expect(await next).toMatchObject({ documentKey: { _id: 2 } });
    // The driver opened the stream again after the cut, from the token of the first event.
    expect(aggregates).toHaveLength(3);
    expect(aggregates[2]?.pipeline[0].$changeStream.resumeAfter).toBeDefined();
  });

  it('loses its history with its process: a stream open across a restart fails with ChangeStreamHistoryLost', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'change-history-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const store = await startEmbeddedMongo({ dataDir });
    const client = await new MongoClient(`${store.uri}/app`, { serverSelectionTimeoutMS: 20_000 }).connect();
    cleanups.push(() => client.close());
    const stream = await watching(client, 'restarted');
    await client.db().collection<Row>('restarted').insertOne({ _id: 'before' });
    expect(await stream.next()).toMatchObject({ documentKey: { _id: 'before' } });

    await store.stop();
    const again = await startEmbeddedMongo({ dataDir, port: store.port });
    cleanups.push(() => again.stop());
    // The driver resumes by itself after the connection error, from its last token: that point
    // is in the old process's history only.
    expect(await serverFailure(stream.next())).toMatchObject({ code: 286 });
    // A new stream follows the restarted store; the data survived, the history did not.
    const fresh = await watching(client, 'restarted');
    await client.db().collection<Row>('restarted').insertOne({ _id: 'after' });
    expect(await fresh.next()).toMatchObject({ documentKey: { _id: 'after' } });
    expect(await client.db().collection<Row>('restarted').countDocuments()).toBe(2);
  });
});

describe('the embedded store as a standalone', () => {
  it('refuses change streams with code 40573 when started with replicaSet: false, as a standalone mongod does', async () => {
    const { client, db } = await start({ replicaSet: false });
    expect(await client.db('admin').command({ hello: 1 })).not.toHaveProperty('setName');
    const stream = db.collection('watched').watch();
    cleanups.push(() => stream.close());
    const refusal = { code: 40573, codeName: 'Location40573', message: 'The $changeStream stage is only supported on replica sets' };
    expect(await serverFailure(stream.next())).toMatchObject(refusal);
    expect(await serverFailure(db.aggregate([{ $changeStream: {} }]).toArray())).toMatchObject(refusal);
  });

  it('answers hello as a standalone over its Unix socket, and serves change streams there too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'Socket-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const { client, db } = await start({ socketPath: join(dir, 'Store.sock') });
    expect(await client.db('admin').command({ hello: 1 })).not.toHaveProperty('setName');
    const stream = await watching(client, 'socket');
    await db.collection<Row>('socket').insertOne({ _id: 1 });
    expect(await stream.next()).toMatchObject({ operationType: 'insert', documentKey: { _id: 1 } });
  });
});
