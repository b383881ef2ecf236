import { once } from 'node:events';
import type { CommandStartedEvent, CommandSucceededEvent } from 'mongodb';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentService, createProviderRegistry } from '../../../src/services/content/index.js';
import { DeliveryPipeline, type DeliveryOutcome } from '../../../src/services/delivery-pipeline.js';
import { ActivityService } from '../../../src/services/activity-service.js';
import { FriendDirectory } from '../../../src/services/friend-directory.js';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';
import { createAccount, createFriend } from '../api/helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

describe('no-repeat is per friend', () => {
  it('gives the one item of a one-item list to two friends triggering at once', async () => {
    const user = await registerAndLogin(t.app);
    const content = { providers: [{ kind: 'static', weight: 1, items: ['the only item'] }], allowNsfw: false };
    const account = await createAccount(t.app, user.authorization, { settings: { content } });
    const friends = [await createFriend(t.app, user.authorization, account.id), await createFriend(t.app, user.authorization, account.id)];
    const { outcomes, sent } = await runPipeline(account.id, friends);
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent']);
    expect(sent.sort()).toEqual(friends.map((f) => f.discordUserId).sort());
  });
});

describe('a delivery that cannot happen records why', () => {
  it('records the reason when a stored directory provider points outside CONTENT_DIR', async () => {
    const user = await registerAndLogin(t.app);
    const account = await createAccount(t.app, user.authorization);
    const friend = await createFriend(t.app, user.authorization, account.id);
    // Saved before paths were checked on write (the API refuses it now).
    await t.app.db.models.DiscordAccount.updateOne(
      { _id: account.id },
      { $set: { settings: { content: { providers: [{ kind: 'directory', weight: 1, path: '../../etc' }], allowNsfw: false } } } },
    );
    const { outcomes } = await runPipeline(account.id, [friend]);
    expect(outcomes.map((o) => o.status)).toEqual(['failed']);
    const row = await t.app.db.models.ContentHistory.findOne({ accountId: account.id }).lean();
    expect(row).toMatchObject({ status: 'failed', reason: expect.stringContaining('outside the content root') });
  });
});

/** One activity per friend at once through a pipeline whose "worker" records recipients. */
async function runPipeline(accountId: string, friends: Array<{ id: string; discordUserId: string }>) {
  const sent: string[] = [];
  const service = new ContentService({ registry: createProviderRegistry({ contentRoot: t.app.config.CONTENT_DIR }) });
  const pipeline = new DeliveryPipeline({
    models: t.app.db.models,
    content: service,
    // Stands in for the worker: the question here is what gets picked, not how it is sent.
    deliver: async (_accountId, target) => {
      sent.push(target.recipientId);
      return { messageId: String(sent.length), channelId: '1' };
    },
    logger: t.app.log,
    noRepeatDays: 30,
    defaultContent: { providers: [], allowNsfw: false },
  });
  await pipeline.warm(accountId).catch(() => {});
  const outcomes: DeliveryOutcome[] = [];
  pipeline.on('outcome', (o) => outcomes.push(o));
  const at = Date.now();
  pipeline.handle(
    friends.map((f) => ({
      accountId,
      event: { kind: 'online', discordUserId: f.discordUserId, at } as never,
      friend: { friendId: new Types.ObjectId(f.id), discordUserId: f.discordUserId, enabled: true, rules: { triggers: [{}] } },
      receivedAt: at,
    })),
  );
  while (outcomes.length < friends.length) await once(pipeline, 'outcome');
  await pipeline.drain();
  service.close();
  return { outcomes, sent };
}

describe('a delivery is prepared while its event is written', () => {
  const rules = { triggers: [{}], cooldownSeconds: 0 };

  /** ActivityService → DeliveryPipeline as the app wires them, with a stand-in worker. */
  async function eventPath(opts: { holdsLease?: () => boolean } = {}) {
    const user = await registerAndLogin(t.app);
    const content = { providers: [{ kind: 'static', weight: 1, items: ['one', 'two', 'three', 'four'] }], allowNsfw: false };
    const account = await createAccount(t.app, user.authorization, { settings: { content } });
    const friend = await createFriend(t.app, user.authorization, account.id, { rules });
    const steps: string[] = [];
    const service = new ContentService({ registry: createProviderRegistry() });
    const pick = service.pick.bind(service);
    service.pick = (...args) => {
      steps.push('pick');
      return pick(...args);
    };
    const pipeline = new DeliveryPipeline({
      models: t.app.db.models,
      content: service,
      deliver: async () => {
        steps.push('send');
        return { messageId: String(steps.length), channelId: '1' };
      },
      logger: t.app.log,
      noRepeatDays: 30,
      defaultContent: { providers: [], allowNsfw: false },
    });
    const activity = new ActivityService({
      models: t.app.db.models,
      friends: new FriendDirectory(t.app.db.models),
      logger: t.app.log,
      onReceived: (received) => pipeline.handle([received]),
      ...(opts.holdsLease ? { holdsLease: opts.holdsLease } : {}),
    });
    // The app's connection reports its commands: mark when an ActivityHistory write is acknowledged.
    const client = t.app.db.connection.getClient();
    const writes = new Set<number>();
    const started = (ev: CommandStartedEvent) => {
      if (ev.commandName === 'insert' && (ev.command as { insert?: string }).insert === 'activityhistories') writes.add(ev.requestId);
    };
    const succeeded = (ev: CommandSucceededEvent) => {
      if (writes.delete(ev.requestId)) steps.push('stored');
    };
    client.on('commandStarted', started);
    client.on('commandSucceeded', succeeded);
    await pipeline.warm(account.id);
    const outcomes: DeliveryOutcome[] = [];
    pipeline.on('outcome', (o) => outcomes.push(o));
    const record = (id?: string) =>
      activity.record(account.id, { discordUserId: friend.discordUserId, kind: 'activity:start', status: 'online', at: Date.now(), ...(id ? { id } : {}) });
    const settle = async () => {
      await activity.flush();
      await pipeline.drain();
    };
    const close = () => {
      client.off('commandStarted', started);
      client.off('commandSucceeded', succeeded);
      service.close();
    };
    return { steps, outcomes, record, settle, close };
  }

  it('picks the content before the write is acknowledged and sends only after it', async () => {
    const path = await eventPath();
    try {
      // A first event loads what the hot path caches (friends, account, recent items).
      path.record();
      await path.settle();
      expect(path.outcomes.map((o) => o.status)).toEqual(['sent']);
      path.steps.length = 0;

      path.record();
      await path.settle();
      expect(path.outcomes.map((o) => o.status)).toEqual(['sent', 'sent']);
      expect(path.steps).toEqual(['pick', 'stored', 'send']);
    } finally {
      path.close();
    }
  });

  it('sends nothing for an event that was not stored: a replay already stored, a fenced account', async () => {
    let held = true;
    const path = await eventPath({ holdsLease: () => held });
    try {
      const id = new Types.ObjectId().toHexString();
      path.record(id);
      await path.settle();
      path.record(id); // the same change replayed after a session resume
      await path.settle();
      held = false;
      path.record();
      await path.settle();
      expect(path.outcomes.map((o) => o.status)).toEqual(['sent']);
      expect(path.steps.filter((s) => s === 'send')).toHaveLength(1);
    } finally {
      path.close();
    }
  });
});
