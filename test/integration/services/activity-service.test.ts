import mongoose from 'mongoose';
import pino from 'pino';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels, type Models } from '../../../src/models/index.js';
import { ActivityService } from '../../../src/services/activity-service.js';
import { FriendDirectory } from '../../../src/services/friend-directory.js';
import type { ActivityEvent } from '../../../src/ipc/index.js';
import type { TestMongo } from '../../support/test-mongo.js';
import { startTestModels, type TestModels } from '../../support/test-models.js';

// ActivityService against a real store: batches are stored once, and a document the database
// refuses is dropped instead of holding every later event hostage.

let store: TestModels;
let mongo: TestMongo;
let models: Models;
beforeAll(async () => {
  store = await startTestModels();
  ({ mongo, models } = store);
});
afterAll(async () => store.stop());

const ACCOUNT = new mongoose.Types.ObjectId().toHexString();
const event = (name: string): ActivityEvent => ({
  discordUserId: '123456789012345678',
  kind: 'activity:start',
  status: 'online',
  activity: { name, type: 'playing' },
  at: Date.now(),
});

function service() {
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(line) });
  const activity = new ActivityService({ models, friends: new FriendDirectory(models), logger: logger });
  return { activity, logs };
}

describe('ActivityService', () => {

  it('writes an event at once when no write is running, and gathers what arrives during a write into the next one', async () => {
    // Group commit, seen in the insert commands the driver sends.
    const watched = await mongoose.createConnection(mongo.uri, { monitorCommands: true }).asPromise();
    try {
      const watchedModels = createModels(watched, { activityRetentionDays: 1, metricsRetentionDays: 1 });
      const activity = new ActivityService({
        models: watchedModels,
        friends: new FriendDirectory(watchedModels),
        logger: pino({ level: 'silent' }),
      });
      const account = new mongoose.Types.ObjectId().toHexString();
      const inserts: number[] = [];
      watched.getClient().on('commandStarted', (ev) => {
        const command = ev.command as { insert?: string; documents?: unknown[] };
        if (ev.commandName !== 'insert' || command.insert !== 'activityhistories') return;
        inserts.push(command.documents?.length ?? 0);
        // Three events arrive while the second write is on the wire.
        if (inserts.length === 2) for (let i = 0; i < 3; i++) activity.record(account, event(`during ${i}`));
      });

      activity.record(account, event('first'));
      await nextTurn();
      // One turn later the first event is already being written: no batching window held it.
      activity.record(account, event('second'));
      await expect.poll(() => activity.counts.stored).toBe(5);
      expect(inserts).toEqual([1, 1, 3]);
    } finally {
      await watched.close();
    }
  });
  it('stores every recorded event exactly once', async () => {
    const { activity } = service();
    for (let i = 0; i < 50; i++) activity.record(ACCOUNT, event(`game ${i}`));
    await activity.flush();
    expect(activity.counts).toEqual({ received: 50, stored: 50, pending: 0, fenced: 0 });
    expect(await models.ActivityHistory.countDocuments({ accountId: ACCOUNT })).toBe(50);
  });

  it('drops a document the database refuses, stores the rest once, and does not retry', async () => {
    const { activity, logs } = service();
    const before = await models.ActivityHistory.countDocuments({ accountId: ACCOUNT });
    activity.record(ACCOUNT, event('fine before'));
    activity.record(ACCOUNT, event('x'.repeat(17 * 1024 * 1024))); // over the 16 MiB document limit
    activity.record(ACCOUNT, event('fine after'));
    await activity.flush();

    expect(activity.counts).toEqual({ received: 3, stored: 2, pending: 0, fenced: 0 });
    const names = await models.ActivityHistory.find({ accountId: ACCOUNT, 'activity.name': /^fine/ }).lean();
    expect(names.map((n) => n.activity?.name).sort()).toEqual(['fine after', 'fine before']);
    expect(await models.ActivityHistory.countDocuments({ accountId: ACCOUNT })).toBe(before + 2);
    expect(logs.some((l) => l.includes('refused by the database'))).toBe(true);
  });
});
