import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../../fake-discord/index.js';
import type { App } from '../../../src/app.js';
import type { DeliveryOutcome } from '../../../src/services/delivery-pipeline.js';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';
import { nextOutcome } from '../../support/watching-account.js';
import { type ProviderFixture, startProviderFixture } from '../../../scripts/lib/provider-fixture.js';

// The whole content path with real parts: fake Discord ↔ real worker process ↔ supervisor ↔
// activity batching ↔ rules ↔ ContentService (gimme provider on a local fixture) ↔ delivery ↔
// ContentHistory on the embedded store.

let fake: FakeDiscord;
let fixture: ProviderFixture;
let t: TestApp;
let authorization: string;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 1_000 });
  fixture = await startProviderFixture();
  t = await buildTestApp({
    // The gimme fixture listens on 127.0.0.1.
    env: { DISCORD_API_URL: fake.apiUrl, CONTENT_ALLOW_PRIVATE_HOSTS: '1' },
    pipeline: { retryBaseMs: 50 },
  });
  ({ authorization } = await registerAndLogin(t.app));
});
afterAll(async () => {
  await t?.close();
  await fixture?.close();
  await fake?.close();
});
afterEach(() => {
  fixture.setMode('ok');
});

interface Scenario {
  accountId: string;
  botId: string;
  friendUserId: string;
  friendId: string;
  /** A second watched friend, for ordering proofs. */
  other: { friendUserId: string; friendId: string };
}

async function api(app: App, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) {
  const res = await app.inject({ method, url, headers: { authorization }, ...(payload ? { payload } : {}) });
  if (res.statusCode >= 400) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.statusCode === 204 ? undefined : res.json();
}

/** A bot and a friend in one guild, an account with a gimme provider, started and ready. */
async function scenario(rules: object = {}, content?: object): Promise<Scenario> {
  const bot = fake.createBot();
  const user = fake.createUser({ username: 'pal' });
  const otherUser = fake.createUser({ username: 'buddy' });
  fake.createGuild({ botIds: [bot.id], userIds: [user.id, otherUser.id] });
  const account = await api(t.app, 'POST', '/api/accounts', {
    label: 'pipeline bot',
    token: bot.token,
    settings: {
      deliveryMode: 'dm',
      content: content ?? {
        providers: [{ kind: 'gimme', weight: 1, baseUrl: fixture.url, subreddits: ['memes'] }],
        allowNsfw: false,
      },
      defaultRules: {
        triggers: [{ kinds: ['activity:start'], activityTypes: ['playing'] }],
        cooldownSeconds: 3600,
        ...rules,
      },
    },
  });
  const friend = await api(t.app, 'POST', `/api/accounts/${account.id}/friends`, {
    discordUserId: user.id,
    displayName: 'Pal',
  });
  const other = await api(t.app, 'POST', `/api/accounts/${account.id}/friends`, {
    discordUserId: otherUser.id,
    displayName: 'Buddy',
  });
  const ready = waitForState(account.id, 'ready');
  await api(t.app, 'POST', `/api/accounts/${account.id}/start`);
  await ready;
  await t.app.pipeline.warm(account.id);
  return {
    accountId: account.id,
    botId: bot.id,
    friendUserId: user.id,
    friendId: friend.id,
    other: { friendUserId: otherUser.id, friendId: other.id },
  };
}

function waitForState(accountId: string, state: string): Promise<void> {
  return new Promise((resolve) => {
    const onState = (s: { accountId: string; state: string }) => {
      if (s.accountId === accountId && s.state === state) {
        t.app.supervisor.off('state', onState);
        resolve();
      }
    };
    if (t.app.supervisor.get(accountId)?.state === state) resolve();
    else t.app.supervisor.on('state', onState);
  });
}

/**
 * The pipeline's verdict on the next event of one kind from this friend (or another watched
 * user). Going online with a game yields two events, `online` then `activity:start`.
 */
function outcomeOf(s: Scenario, kind = 'activity:start', userId = s.friendUserId): Promise<DeliveryOutcome> {
  return nextOutcome(t.app, s.accountId, (o) => o.discordUserId === userId && o.kind === kind);
}

function play(s: Scenario, game: string) {
  fake.setPresence(s.friendUserId, { status: 'online', activities: [{ name: game, type: 0 }] });
}

describe('the content pipeline', () => {
  it('sends a DM when a friend starts a matching game, and records it as sent', async () => {
    const s = await scenario();
    const message = once(fake, 'message');
    const outcome = outcomeOf(s);
    play(s, 'Factorio');

    const [sent] = (await message) as [{ id: string; botId: string; recipientId?: string; embeds: unknown[] }];
    expect(sent).toMatchObject({ botId: s.botId, recipientId: s.friendUserId });
    expect(sent.embeds).toHaveLength(1);
    expect(await outcome).toMatchObject({ status: 'sent', messageId: sent.id });

    const history = await api(t.app, 'GET', `/api/accounts/${s.accountId}/content-history`);
    expect(history.items).toHaveLength(1);
    expect(history.items[0]).toMatchObject({
      status: 'sent',
      discordMessageId: sent.id,
      friendId: s.friendId,
      item: { source: 'gimme', type: expect.stringMatching(/image|gif/) },
    });
    const activity = await api(t.app, 'GET', `/api/accounts/${s.accountId}/activity?kind=activity:start`);
    expect(activity.items[0]).toMatchObject({ discordUserId: s.friendUserId, activity: { name: 'Factorio', type: 'playing' } });
  });

  it('sends nothing for a second change inside the cooldown', async () => {
    const s = await scenario();
    const first = outcomeOf(s);
    play(s, 'Factorio');
    expect(await first).toMatchObject({ status: 'sent' });

    fake.setPresence(s.friendUserId, { status: 'online', activities: [] });
    const second = outcomeOf(s, 'activity:end');
    expect(await second).toMatchObject({ status: 'no-match', reason: 'no-trigger' });
    const third = outcomeOf(s);
    play(s, 'Satisfactory');
    expect(await third).toMatchObject({ status: 'no-match', reason: 'cooldown' });
    expect(fake.messages({ botId: s.botId })).toHaveLength(1);
  });

  it('never delivers NSFW items by default', async () => {
    fixture.setMode('nsfw');
    const s = await scenario();
    const outcome = outcomeOf(s);
    play(s, 'Factorio');
    expect(await outcome).toMatchObject({ status: 'skipped', reason: 'no-content' });
    expect(fake.messages({ botId: s.botId })).toHaveLength(0);
  });

  it('falls back to the next provider when one fails', async () => {
    fixture.setMode('fail', 'broken');
    const s = await scenario({}, {
      providers: [
        { kind: 'gimme', weight: 100, baseUrl: fixture.url, subreddits: ['broken'] },
        { kind: 'static', weight: 1, items: ['Static fallback item'] },
      ],
      allowNsfw: false,
    });
    const message = once(fake, 'message');
    play(s, 'Factorio');
    const [sent] = (await message) as [{ content: string }];
    expect(sent.content).toBe('Static fallback item');
  });

  it('retries a delivery that Discord rate-limits, after Retry-After', async () => {
    const s = await scenario();
    fake.injectRateLimit({ botId: s.botId, count: 1, retryAfter: 1 });
    const limited = once(fake, 'rateLimited');
    const outcome = outcomeOf(s);
    play(s, 'Factorio');
    await limited;
    expect(await outcome).toMatchObject({ status: 'sent' });
    expect(fake.messages({ botId: s.botId })).toHaveLength(1);
  });

  it('sends nothing more to a friend removed through the API', async () => {
    const s = await scenario({ cooldownSeconds: 0 });
    const first = outcomeOf(s);
    play(s, 'Factorio');
    expect(await first).toMatchObject({ status: 'sent' });

    await api(t.app, 'DELETE', `/api/accounts/${s.accountId}/friends/${s.friendId}`);
    // The removed friend changes first, then a friend still watched. Changes travel in order
    // (one gateway socket, one IPC channel, one batch queue), so once the second one's verdict
    // is in, the first one would have been seen too.
    play(s, 'Satisfactory');
    const proof = outcomeOf(s, 'activity:start', s.other.friendUserId);
    fake.setPresence(s.other.friendUserId, { status: 'online', activities: [{ name: 'Chess', type: 0 }] });
    expect(await proof).toMatchObject({ status: 'sent' });

    expect(fake.messages({ recipientId: s.friendUserId })).toHaveLength(1);
    const activity = await api(t.app, 'GET', `/api/accounts/${s.accountId}/activity?kind=activity:start`);
    expect(activity.items.map((a: { activity: { name: string } }) => a.activity.name)).toEqual(['Chess', 'Factorio']);
  });
});
