import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../../fake-discord/index.js';
import { buildTestApp, registerAndLogin } from '../../support/build-app.js';
import { startTestMongo } from '../../support/test-mongo.js';
import { createAccount, waitForWorker } from '../api/helpers.js';

let fake: FakeDiscord;
beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 1_000 });
});
afterAll(async () => fake?.close());

describe('closing the app with a running worker', () => {
  it('records the workers’ last states before the database closes, without an error', async () => {
    // A database that outlives the app, to read what it recorded last.
    const mongo = await startTestMongo();
    const t = await buildTestApp({ env: { DISCORD_API_URL: fake.apiUrl, MONGODB_URI: mongo.uri }, supervisor: { shutdownGraceMs: 10_000 } });
    const bot = fake.createBot({});
    fake.createGuild({ botIds: [bot.id], userIds: [fake.createUser({ username: 'sam' }).id] });
    const user = await registerAndLogin(t.app);
    const { id } = await createAccount(t.app, user.authorization, { token: bot.token });
    await t.app.accounts.start(user.userId, id);
    await waitForWorker(t.app, id, (s) => s.state === 'ready');
    await t.close();
    const failures = t.logs.filter((line) => /"level":(40|50)/.test(line) && /failed|client was closed/.test(line));
    expect(failures).toEqual([]);
    const client = await MongoClient.connect(mongo.uri);
    try {
      const stored = await client.db().collection('discordaccounts').findOne({ _id: new ObjectId(id) });
      expect(stored?.lastState).toBe('stopped');
    } finally {
      await client.close();
      await mongo.stop();
    }
  });
});
