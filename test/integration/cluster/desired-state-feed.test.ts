import mongoose, { type Connection } from 'mongoose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESIRED_CHANGES, DesiredStateFeed } from '../../../src/cluster/desired-state-feed.js';
import { startTestMongo, type TestMongo } from '../../support/test-mongo.js';

// The owner learns of desired-state changes by change stream where the database has them, by
// the indexed poll otherwise. Here the embedded store (no replica set) refuses the stream as a
// standalone mongod does; the change-stream path itself needs a replica set and is not run here.

let mongo: TestMongo;
let conn: Connection;

beforeAll(async () => {
  mongo = await startTestMongo();
  conn = await mongoose.createConnection(mongo.uri).asPromise();
});
afterAll(async () => {
  await conn.close();
  await mongo.stop();
});

/** A logger that keeps its lines. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe('desired-state feed', () => {
  it('falls back to the poll when the database refuses change streams, and keeps polling', async () => {
    const { logger, lines } = capture();
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
    try {
      await feed.start();
      if (feed.mode === 'poll') {
        // The embedded store answers exactly as a standalone mongod 7.0 does.
        expect(lines.find((l) => l.msg === 'no change streams on this database: desired-state changes by poll')).toMatchObject({ code: 40573 });
      }
      // Without a stream the poll runs every pollMs; with one, a change triggers it.
      if (feed.mode === 'change-stream') await conn.collection('discordaccounts').insertOne({ desiredVersion: 1 });
      await polled;
      expect(polls).toBeGreaterThanOrEqual(3);
    } finally {
      await feed.close();
    }
  });

  it('passes on changes of desired state, versions and lease owner, not lease renewals', async () => {
    // Change events as the server describes them, run through the feed's own pipeline.
    const events = [
      { _id: 'insert', operationType: 'insert' },
      { _id: 'delete', operationType: 'delete' },
      { _id: 'desired', operationType: 'update', updateDescription: { updatedFields: { desiredState: 'stopped', desiredVersion: 4 } } },
      { _id: 'owner', operationType: 'update', updateDescription: { updatedFields: { 'lease.owner': 'node-b', 'lease.expiresAt': 1 } } },
      { _id: 'restart', operationType: 'update', updateDescription: { updatedFields: { restartVersion: 2 } } },
      { _id: 'renewal', operationType: 'update', updateDescription: { updatedFields: { 'lease.expiresAt': 2 } } },
      { _id: 'state', operationType: 'update', updateDescription: { updatedFields: { lastState: 'ready' } } },
    ];
    const events$ = conn.collection<{ _id: string }>('change_events');
    await events$.insertMany(events);
    const passed = await events$.aggregate<{ _id: string }>(DESIRED_CHANGES).toArray();
    expect(passed.map((e) => e._id).sort()).toEqual(['delete', 'desired', 'insert', 'owner', 'restart']);
  });
});
