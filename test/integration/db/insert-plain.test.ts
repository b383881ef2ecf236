import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_TIMEOUTS, isDbUnavailable } from '../../../src/db/unavailable.js';
import { createModels } from '../../../src/models/index.js';
import { writeErrorsOf } from '../../../src/utils/write-errors.js';
import { startTestModels, type TestModels } from '../../support/test-models.js';
import { startTestMongo } from '../../support/test-mongo.js';

let store: TestModels;
beforeAll(async () => {
  store = await startTestModels({ monitorCommands: true });
});
afterAll(async () => store.stop());

describe('insertPlain', () => {
  it('stores plain documents in one unordered insert command, giving an ObjectId to those without _id', async () => {
    const { conn, models } = store;
    const accountId = new mongoose.Types.ObjectId();
    const commands: Array<{ ordered?: boolean; documents?: unknown[] }> = [];
    const watch = (ev: { commandName: string; command: Record<string, unknown> }) => {
      if (ev.commandName === 'insert' && ev.command.insert === 'activityhistories') commands.push(ev.command);
    };
    conn.getClient().on('commandStarted', watch);
    const at = new Date('2026-01-02T03:04:05Z');
    const docs: Array<Record<string, unknown>> = [
      { accountId, discordUserId: '1', kind: 'status', status: 'online', at },
      { _id: new mongoose.Types.ObjectId(), accountId, discordUserId: '2', kind: 'activity_start', activity: { name: 'x' }, at },
    ];
    await models.ActivityHistory.insertPlain(docs);
    conn.getClient().off('commandStarted', watch);
    expect(commands).toHaveLength(1);
    expect(commands[0]?.ordered).toBe(false);
    expect(docs[0]?._id).toBeInstanceOf(mongoose.Types.ObjectId);
    const stored = await models.ActivityHistory.find({ accountId }).sort({ discordUserId: 1 }).lean();
    expect(stored.map((s) => [String(s._id), s.discordUserId, s.at.getTime()])).toEqual(docs.map((d) => [String(d._id), d.discordUserId, at.getTime()]));
    expect(stored[0]?.accountId).toBeInstanceOf(mongoose.Types.ObjectId);
  });

  it('rejects with the per-document errors of the documents refused and stores the others', async () => {
    const { models } = store;
    const accountId = new mongoose.Types.ObjectId();
    const taken = new mongoose.Types.ObjectId();
    await models.ContentHistory.insertPlain([{ _id: taken, accountId, discordUserId: 'a', status: 'sent', at: new Date() }]);
    const err = await models.ContentHistory.insertPlain([
      { accountId, discordUserId: 'b', status: 'sent', at: new Date() },
      { _id: taken, accountId, discordUserId: 'c', status: 'sent', at: new Date() },
      { accountId, discordUserId: 'd', status: 'sent', at: new Date() },
    ]).then(() => undefined, (e: unknown) => e);
    expect(writeErrorsOf(err)?.map((e) => [e.index, e.code])).toEqual([[1, 11000]]);
    const stored = await models.ContentHistory.find({ accountId }).sort({ discordUserId: 1 }).lean();
    expect(stored.map((s) => s.discordUserId)).toEqual(['a', 'b', 'd']);
  });
});

describe('insertPlain of one document', () => {
  it('sends one insert command and stores the document', async () => {
    const { conn, models } = store;
    const accountId = new mongoose.Types.ObjectId();
    const commands: Array<{ documents?: Array<Record<string, unknown>> }> = [];
    const watch = (ev: { commandName: string; command: Record<string, unknown> }) => {
      if (ev.commandName === 'insert' && ev.command.insert === 'activityhistories') commands.push(ev.command);
    };
    conn.getClient().on('commandStarted', watch);
    const doc: Record<string, unknown> = { accountId, discordUserId: '7', kind: 'status', status: 'idle', at: new Date() };
    await models.ActivityHistory.insertPlain([doc]);
    conn.getClient().off('commandStarted', watch);
    expect(commands.map((c) => c.documents?.map((d) => String(d._id)))).toEqual([[String(doc._id)]]);
    expect(doc._id).toBeInstanceOf(mongoose.Types.ObjectId);
    expect((await models.ActivityHistory.find({ accountId }).lean()).map((s) => [String(s._id), s.status])).toEqual([[String(doc._id), 'idle']]);
  });

  it('rejects a refused document with its write error at index 0, as a batch would (a replayed change)', async () => {
    const { models } = store;
    const _id = new mongoose.Types.ObjectId();
    const row = () => ({ _id, accountId: new mongoose.Types.ObjectId(), discordUserId: '8', kind: 'status', status: 'online', at: new Date() });
    await models.ActivityHistory.insertPlain([row()]);
    const err = await models.ActivityHistory.insertPlain([row()]).then(() => undefined, (e: unknown) => e);
    expect(writeErrorsOf(err)?.map((e) => [e.index, e.code])).toEqual([[0, 11000]]);
    expect(isDbUnavailable(err)).toBe(false);
  });

  it('rejects with an error the API turns into a 503 when the database is gone', async () => {
    const mongo = await startTestMongo();
    const conn = await mongoose.createConnection(mongo.uri, { ...DB_TIMEOUTS, serverSelectionTimeoutMS: 300, bufferCommands: false }).asPromise();
    try {
      const models = createModels(conn, { activityRetentionDays: 1, metricsRetentionDays: 1 });
      await models.ActivityHistory.insertPlain([{ discordUserId: '9', kind: 'status', status: 'online', at: new Date() }]);
      await mongo.stop();
      const err = await models.ActivityHistory.insertPlain([{ discordUserId: '9', kind: 'status', status: 'dnd', at: new Date() }]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isDbUnavailable(err)).toBe(true);
    } finally {
      await conn.close();
    }
  });
});
