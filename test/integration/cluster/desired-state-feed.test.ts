import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { afterEach, describe, expect, it } from 'vitest';
import { DESIRED_CHANGES, DesiredStateFeed } from '../../../src/cluster/desired-state-feed.js';
import type { EmbeddedMongoOptions } from '../../../src/db/embedded/index.js';
import { startEmbeddedMongo } from '../../../src/db/embedded/index.js';
import { loggerWithEvents } from '../../support/log-events.js';

// The owner learns of desired-state changes by change stream where the database has them, by
// the indexed poll otherwise. The embedded store is a one-node replica set with change streams,
// so the stream path runs here for real; started as a standalone it refuses them as mongod does.

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function storeAndConnection(options: EmbeddedMongoOptions = {}) {
  const store = await startEmbeddedMongo(options);
  const uri = `${store.uri}/feed`;
  const conn = await mongoose.createConnection(uri).asPromise();
  cleanups.push(async () => {
    await conn.close();
    await store.stop();
  });
  return { conn, uri, port: store.port, stop: () => store.stop() };
}

/** A logger whose lines can be awaited by message. */
function logs() {
  const { logger, events } = loggerWithEvents('info');
  const line = (msg: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const listener = (l: Record<string, unknown>) => {
        if (l.msg !== msg) return;
        events.off('line', listener);
        resolve(l);
      };
      events.on('line', listener);
    });
  return { logger, line };
}

/** A feed whose polls report what they read; its own timers are a minute long, so only the stream triggers polls. */
function feedOn(conn: Connection, logger: ReturnType<typeof logs>['logger'], safetyPollMs = 60_000) {
  const accounts = conn.collection('discordaccounts');
  const polled: Array<(states: unknown[]) => void> = [];
  const feed = new DesiredStateFeed({
    collection: accounts,
    poll: async () => {
      const states = (await accounts.find().toArray()).map((a) => a.desiredState as unknown);
      for (const listener of polled) listener(states);
    },
    pollMs: 60_000,
    safetyPollMs,
    logger,
  });
  cleanups.push(() => feed.close());
  /** Resolves with the first poll that reads `state`. */
  const pollSees = (state: string) =>
    new Promise<void>((resolve) => {
      polled.push((states) => {
        if (states.includes(state)) resolve();
      });
    });
  return { feed, accounts, pollSees };
}

describe('desired-state feed', () => {
  it('follows the change stream on the embedded store: a change made elsewhere triggers a poll at once', async () => {
    const { conn, uri } = await storeAndConnection();
    const { logger, line } = logs();
    const { feed, accounts, pollSees } = feedOn(conn, logger);
    const streaming = line('desired-state changes by change stream (with a slow safety poll)');
    await feed.start();
    await streaming;
    expect(feed.mode).toBe('change-stream');
    // Made through another connection, as another node would.
    const other = await mongoose.createConnection(uri).asPromise();
    try {
      const seen = pollSees('running');
      await other.collection('discordaccounts').insertOne({ _id: 'acc' as never, desiredState: 'stopped' });
      await other.collection('discordaccounts').updateOne({ _id: 'acc' as never }, { $set: { desiredState: 'running' } });
      await seen;
    } finally {
      await other.close();
    }
    expect(await accounts.countDocuments()).toBe(1);
  });

  it('passes on inserts, deletes and changes of desired state, versions and lease owner, not lease renewals', async () => {
    const { conn } = await storeAndConnection();
    const accounts = conn.collection<{ _id: string; desiredState?: string; desiredVersion?: number; restartVersion?: number; lastState?: string; lease?: unknown }>('discordaccounts');
    const stream = accounts.watch(DESIRED_CHANGES, { maxAwaitTimeMS: 50 });
    cleanups.push(() => stream.close());
    expect(await stream.tryNext()).toBeNull();
    await accounts.insertOne({ _id: 'a', desiredState: 'stopped', desiredVersion: 1, lease: { owner: null, expiresAt: null } });
    await accounts.updateOne({ _id: 'a' }, { $set: { 'lease.expiresAt': new Date() } }); // a renewal
    await accounts.updateOne({ _id: 'a' }, { $set: { lastState: 'ready' } });
    await accounts.updateOne({ _id: 'a' }, { $set: { desiredState: 'running' }, $inc: { desiredVersion: 1 } });
    await accounts.updateOne({ _id: 'a' }, { $set: { 'lease.owner': 'node-b', 'lease.expiresAt': new Date() } });
    await accounts.updateOne({ _id: 'a' }, { $set: { lease: { owner: 'node-c', expiresAt: new Date() } } });
    await accounts.updateOne({ _id: 'a' }, { $inc: { restartVersion: 1 } });
    await accounts.deleteOne({ _id: 'a' });
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      const change = await stream.next();
      const fields = 'updateDescription' in change ? Object.keys(change.updateDescription.updatedFields ?? {}).sort().join('+') : '';
      seen.push(`${change.operationType}${fields ? `:${fields}` : ''}`);
    }
    expect(seen).toEqual([
      'insert',
      'update:desiredState+desiredVersion',
      'update:lease.expiresAt+lease.owner',
      'update:lease',
      'update:restartVersion',
      'delete',
    ]);
  });

  it('falls back to the poll when the database refuses change streams, and keeps polling', async () => {
    const { conn } = await storeAndConnection({ replicaSet: false });
    const { logger, line } = logs();
    let polls = 0;
    let threePolls: () => void = () => undefined;
    const polled = new Promise<void>((resolve) => (threePolls = resolve));
    const feed = new DesiredStateFeed({
      collection: conn.collection('discordaccounts'),
      poll: async () => {
        if (++polls === 3) threePolls();
      },
      pollMs: 20,
      safetyPollMs: 60_000,
      logger,
    });
    cleanups.push(() => feed.close());
    const refused = line('no change streams on this database: desired-state changes by poll');
    await feed.start();
    // The standalone store answers exactly as a standalone mongod 7.0 does.
    expect(await refused).toMatchObject({ code: 40573 });
    expect(feed.mode).toBe('poll');
    await polled;
  });

  it('after the store restarts (its change history gone), polls at once and opens a new stream', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'feed-restart-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const { conn, port, stop } = await storeAndConnection({ dataDir });
    const { logger, line } = logs();
    const { feed, accounts, pollSees } = feedOn(conn, logger, 200);
    const streaming = line('desired-state changes by change stream (with a slow safety poll)');
    await feed.start();
    await streaming;

    const failed = line('change stream failed: desired-state changes by poll until it reopens');
    const reopened = line('change stream reopened: desired-state changes by change stream again');
    await stop();
    const again = await startEmbeddedMongo({ dataDir, port });
    cleanups.push(() => again.stop());
    // The driver resumed the stream from a token of the old process: ChangeStreamHistoryLost.
    expect(await failed).toMatchObject({ err: { code: 286 } });
    await reopened;
    expect(feed.mode).toBe('change-stream');
    const seen = pollSees('running');
    await accounts.insertOne({ desiredState: 'running' });
    await seen;
  });
});
