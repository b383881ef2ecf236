import { once } from 'node:events';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentService, createProviderRegistry } from '../../../src/services/content/index.js';
import { DeliveryPipeline, type DeliveryOutcome } from '../../../src/services/delivery-pipeline.js';
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
