import { beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin } from '../../support/build-app.js';
import { useFakeDiscordApp } from '../../support/fake-discord-app.js';
import { createWatchingAccount, nextOutcome } from '../../support/watching-account.js';
import { waitForWorker } from './helpers.js';

const t = useFakeDiscordApp({ pipeline: { retryBaseMs: 50 } });
let ada: Awaited<ReturnType<typeof registerAndLogin>>;
let bob: Awaited<ReturnType<typeof registerAndLogin>>;

beforeAll(async () => {
  ada = await registerAndLogin(t.app);
  bob = await registerAndLogin(t.app);
});

const call = async (method: 'GET' | 'POST', url: string, payload?: object, who = ada) =>
  t.app.inject({ method, url, headers: { authorization: who.authorization }, ...(payload ? { payload } : {}) });

/** A ready account watching `pal` (in a shared guild) with a one-hour cooldown on games. */
async function scenario() {
  const { id, bot, pal, friendId } = await createWatchingAccount(t.app, t.fake, ada.authorization, {
    items: ['https://example.com/a.png', 'https://example.com/b.png'],
    rules: { triggers: [{ kinds: ['activity:start'], activityTypes: ['playing'] }], cooldownSeconds: 3600 },
  });
  await call('POST', `/api/accounts/${id}/start`);
  await waitForWorker(t.app, id, (w) => w.state === 'ready');
  return { id, bot, pal, friendUrl: `/api/accounts/${id}/friends/${friendId}` };
}

describe('why not: presence and last decision on every friend', () => {
  it('shows what the bot last saw and decided, and why nothing was sent', async () => {
    const s = await scenario();
    // The worker sees pal in the shared server, offline so far; nothing decided yet.
    expect((await call('GET', s.friendUrl)).json()).toMatchObject({
      visible: true,
      presence: { status: 'offline', activities: [] },
      lastDecision: null,
    });

    const online = nextOutcome(t.app, s.id);
    t.fake.setPresence(s.pal.id, { status: 'online', activities: [] });
    await online;
    expect((await call('GET', s.friendUrl)).json()).toMatchObject({
      presence: { status: 'online', activities: [], at: expect.any(String) },
      lastDecision: { outcome: 'skipped', reason: 'no-trigger', at: expect.any(String) },
    });

    const sent = nextOutcome(t.app, s.id, (o) => o.kind === 'activity:start');
    t.fake.setPresence(s.pal.id, { status: 'online', activities: [{ name: 'Factorio', type: 0 }] });
    expect(await sent).toMatchObject({ status: 'sent' });
    const afterSent = (await call('GET', s.friendUrl)).json();
    expect(afterSent).toMatchObject({
      presence: { status: 'online', activities: [{ name: 'Factorio', type: 'playing' }] },
      lastDecision: { outcome: 'sent' },
    });

    const cooled = nextOutcome(t.app, s.id, (o) => o.kind === 'activity:start');
    t.fake.setPresence(s.pal.id, { status: 'online', activities: [{ name: 'Factorio', type: 0 }, { name: 'Tetris', type: 0 }] });
    const cooldown = await cooled;
    expect(cooldown).toMatchObject({ status: 'no-match', reason: 'cooldown' });
    const friend = (await call('GET', s.friendUrl)).json();
    expect(friend.lastDecision).toMatchObject({ outcome: 'skipped', reason: 'cooldown' });
    // Until one hour after the delivery.
    const until = Date.parse(friend.lastDecision.until as string);
    expect(until - Date.parse(afterSent.lastDecision.at as string)).toBeGreaterThan(3_500_000);
    expect(until - Date.parse(afterSent.lastDecision.at as string)).toBeLessThanOrEqual(3_600_000);
    expect(friend.presence.activities).toEqual([
      { name: 'Factorio', type: 'playing' },
      { name: 'Tetris', type: 'playing' },
    ]);
    // The list shows the same fields.
    const list = (await call('GET', `/api/accounts/${s.id}/friends`)).json();
    expect(list.items[0]).toMatchObject({ presence: friend.presence, lastDecision: friend.lastDecision });
    await call('POST', `/api/accounts/${s.id}/stop`);
  });
});

describe('POST /api/accounts/:id/friends/:friendId/test', () => {
  it('sends one item now without a trigger, keeps the cooldown unless told to ignore it', async () => {
    const s = await scenario();
    const first = await call('POST', `${s.friendUrl}/test`);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ status: 'sent', itemId: expect.any(String), messageId: expect.any(String) });
    expect(t.fake.messages({ botId: s.bot.id })).toHaveLength(1);

    const again = await call('POST', `${s.friendUrl}/test`, {});
    expect(again.json()).toMatchObject({ status: 'skipped', reason: 'cooldown', until: expect.any(String) });
    expect(t.fake.messages({ botId: s.bot.id })).toHaveLength(1);

    const forced = await call('POST', `${s.friendUrl}/test`, { ignoreCaps: true });
    expect(forced.json()).toMatchObject({ status: 'sent' });
    expect(t.fake.messages({ botId: s.bot.id })).toHaveLength(2);
    const history = (await call('GET', `/api/accounts/${s.id}/content-history?status=sent`)).json();
    expect(history.items).toHaveLength(2);
    expect((await call('GET', s.friendUrl)).json().lastDecision).toMatchObject({ outcome: 'sent' });

    await call('POST', `/api/accounts/${s.id}/stop`);
    expect((await call('POST', `${s.friendUrl}/test`)).json()).toMatchObject({ statusCode: 409, code: 'WORKER_NOT_READY' });
  });

  it("answers 404 for another user's friend and 400 for an unknown field", async () => {
    const s = await scenario();
    expect((await call('POST', `${s.friendUrl}/test`, {}, bob)).statusCode).toBe(404);
    expect((await call('POST', `${s.friendUrl}/test`, { force: true })).statusCode).toBe(400);
    await call('POST', `/api/accounts/${s.id}/stop`);
  });
});
