import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../../fake-discord/index.js';
import type { App } from '../../../src/app.js';
import { buildTestApp, registerAndLogin } from '../../support/build-app.js';
import { startTestMongo, type TestMongo } from '../../support/test-mongo.js';

// What the server does around its workers: bring running accounts back after a restart, sample
// figures into SystemMetrics, and show admins the whole server.

let fake: FakeDiscord;
let mongo: TestMongo;
beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 1_000 });
  mongo = await startTestMongo();
});
afterAll(async () => {
  await mongo.stop();
  await fake.close();
});

function untilReady(app: App, accountId: string): Promise<void> {
  return new Promise((resolve) => {
    if (app.supervisor.get(accountId)?.state === 'ready') return resolve();
    const on = (s: { accountId: string; state: string }) => {
      if (s.accountId === accountId && s.state === 'ready') {
        app.supervisor.off('state', on);
        resolve();
      }
    };
    app.supervisor.on('state', on);
  });
}

describe('the server runtime', () => {
  it('brings back the accounts that were running when it stopped', async () => {
    const env = { MONGODB_URI: mongo.uri, DISCORD_API_URL: fake.apiUrl };
    const bot = fake.createBot();
    fake.createGuild({ botIds: [bot.id], userIds: [fake.createUser({ username: 'x' }).id] });

    const first = await buildTestApp({ env });
    const { userId } = await registerAndLogin(first.app);
    const running = await first.app.accounts.create(userId, { label: 'keeps running', token: bot.token });
    const stopped = await first.app.accounts.create(userId, { label: 'stays stopped', token: fake.createBot().token });
    await first.app.accounts.start(userId, running.id);
    await untilReady(first.app, running.id);
    await first.close();

    const second = await buildTestApp({ env });
    try {
      await untilReady(second.app, running.id);
      expect(second.app.supervisor.get(running.id)?.state).toBe('ready');
      expect(second.app.supervisor.get(stopped.id)).toBeUndefined();
      const view = await second.app.accounts.get(userId, running.id);
      expect(view).toMatchObject({ desiredState: 'running', state: 'ready', botUserId: bot.id });
    } finally {
      await second.close();
    }
  }, 120_000);

  it('samples server figures into SystemMetrics and shows admins the whole server', async () => {
    const t = await buildTestApp({ env: { METRICS_INTERVAL_MS: '100' } });
    try {
      const { authorization } = await registerAndLogin(t.app, 'root@example.com', 'admin');
      const user = await registerAndLogin(t.app);
      await t.app.system.sample();
      const sample = await t.app.db.models.SystemMetrics.findOne().lean();
      expect(sample).toMatchObject({ process: { rss: expect.any(Number) }, workers: { total: 0 } });

      const admin = await t.app.inject({ method: 'GET', url: '/api/status', headers: { authorization } });
      expect(admin.json().server).toMatchObject({ workers: { total: 0 }, rates: { eventsPerSec: expect.any(Number) } });
      // On MONGODB_URI there is no store process to show.
      expect(admin.json().server).not.toHaveProperty('embeddedStore');
      const plain = await t.app.inject({ method: 'GET', url: '/api/status', headers: { authorization: user.authorization } });
      expect(plain.json().server).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
