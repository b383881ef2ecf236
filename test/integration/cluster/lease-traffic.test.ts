import type { CommandStartedEvent } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../../fake-discord/index.js';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';
import { readyOn, whenWorkers } from '../../support/cluster-nodes.js';
import { createAccount } from '../api/helpers.js';

// The budget for one node: lease traffic ≤ 1 write per renewal period, whatever the
// number of accounts. Counted as the database driver sends them, over several renewal periods
// of an idle node (each period also upserts the node's heartbeat: membership, counted apart).

const ACCOUNTS = 3;
const PERIODS = 6;
const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify']);

let fake: FakeDiscord;
let node: TestApp;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 1_000 });
  node = await buildTestApp({
    // The driver's command events are counted here; they are on only with /metrics (METRICS_TOKEN).
    env: { DISCORD_API_URL: fake.apiUrl, LEASE_MS: '3000', LEASE_RENEW_MS: '300', LEASE_RENEW_DEADLINE_MS: '2000', METRICS_TOKEN: 'command-events-0123456789' },
  });
});
afterAll(async () => {
  await node?.close();
  await fake?.close();
});

describe('lease traffic of one idle node', () => {
  it('is one write to the accounts per renewal period, covering every account, plus one heartbeat', async () => {
    const app = node.app;
    const user = await registerAndLogin(app);
    for (let i = 0; i < ACCOUNTS; i++) {
      const bot = fake.createBot({});
      fake.createGuild({ botIds: [bot.id], userIds: [] });
      const { id } = await createAccount(app, user.authorization, { token: bot.token });
      await app.inject({ method: 'POST', url: `/api/accounts/${id}/start`, headers: { authorization: user.authorization } });
    }
    await whenWorkers([app], () => readyOn(app).length === ACCOUNTS, 'all ready');

    // Writes by collection, from the heartbeat after the next one (start-up writes are behind us)
    // until PERIODS more heartbeats were sent.
    const writes: Array<{ collection: string; command: CommandStartedEvent['command'] }> = [];
    let heartbeats = 0;
    const client = app.db.connection.getClient();
    const window = new Promise<void>((resolve) => {
      const onCommand = (ev: CommandStartedEvent) => {
        if (!WRITES.has(ev.commandName)) return;
        const collection = String(ev.command[ev.commandName]);
        if (collection === 'nodes' && ++heartbeats === PERIODS + 2) {
          client.off('commandStarted', onCommand);
          resolve();
        }
        if (heartbeats >= 2) writes.push({ collection, command: ev.command });
      };
      client.on('commandStarted', onCommand);
    });
    await window;

    const nodes = writes.filter((w) => w.collection === 'nodes');
    const accounts = writes.filter((w) => w.collection === 'discordaccounts');
    expect(nodes).toHaveLength(PERIODS + 1);
    // Between the first and the last heartbeat counted: PERIODS periods, one renewal each.
    expect(accounts).toHaveLength(PERIODS);
    for (const { command } of accounts) {
      const updates = command.updates as Array<{ q: { _id: { $in: unknown[] } }; multi?: boolean }>;
      expect(updates).toHaveLength(1);
      expect(updates[0]!.q._id.$in).toHaveLength(ACCOUNTS);
    }
  }, 120_000);
});
