import { beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin } from '../../support/build-app.js';
import { useFakeDiscordApp } from '../../support/fake-discord-app.js';
import { createAccount, waitForWorker } from './helpers.js';

const t = useFakeDiscordApp();
let ada: Awaited<ReturnType<typeof registerAndLogin>>;
let bob: Awaited<ReturnType<typeof registerAndLogin>>;
let accountId: string;
let alpha: string;
let beta: string;
let pal: { id: string };
let palina: { id: string };
let stranger: { id: string };
let friendIds: { pal: string; stranger: string };

beforeAll(async () => {
  ada = await registerAndLogin(t.app);
  bob = await registerAndLogin(t.app);
  const bot = t.fake.createBot();
  pal = t.fake.createUser({ username: 'pal' });
  palina = t.fake.createUser({ username: 'palina' });
  const zed = t.fake.createUser({ username: 'zed' });
  stranger = t.fake.createUser({ username: 'stranger' });
  alpha = t.fake.createGuild({ name: 'Alpha', botIds: [bot.id], userIds: [pal.id, palina.id, zed.id] }).id;
  beta = t.fake.createGuild({ name: 'Beta', botIds: [bot.id], userIds: [zed.id] }).id;
  t.fake.createGuild({ name: 'Elsewhere', botIds: [], userIds: [stranger.id] });
  accountId = (await createAccount(t.app, ada.authorization, { token: bot.token })).id;
  const add = async (discordUserId: string) =>
    (await t.app.inject({ method: 'POST', url: `/api/accounts/${accountId}/friends`, headers: { authorization: ada.authorization }, payload: { discordUserId } })).json<{ id: string }>().id;
  friendIds = { pal: await add(pal.id), stranger: await add(stranger.id) };
  await t.app.inject({ method: 'POST', url: `/api/accounts/${accountId}/start`, headers: { authorization: ada.authorization } });
  await waitForWorker(t.app, accountId, (w) => w.state === 'ready');
});

const get = (url: string, who = ada) => t.app.inject({ method: 'GET', url: `/api/accounts/${accountId}${url}`, headers: { authorization: who.authorization } });

describe('discovery', () => {
  it('lists the servers the bot is in, by name, paged', async () => {
    const res = await get('/guilds');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      items: [
        { id: alpha, name: 'Alpha', icon: null, memberCount: expect.any(Number) },
        { id: beta, name: 'Beta', icon: null, memberCount: expect.any(Number) },
      ],
      nextCursor: null,
    });
    const first = (await get('/guilds?limit=1')).json();
    expect(first.items.map((g: { name: string }) => g.name)).toEqual(['Alpha']);
    const second = (await get(`/guilds?limit=1&cursor=${first.nextCursor}`)).json();
    expect(second).toMatchObject({ items: [{ name: 'Beta' }], nextCursor: null });
  });

  it("searches a server's members by name prefix and marks the ones already watched", async () => {
    const res = await get(`/guilds/${alpha}/members?query=pal`);
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([
      expect.objectContaining({ id: pal.id, username: 'pal', bot: false, watched: true }),
      expect.objectContaining({ id: palina.id, username: 'palina', watched: false }),
    ]);
    // Everyone (the bot itself too), two at a time: each once, in order.
    const all = (await get(`/guilds/${alpha}/members`)).json<{ items: Array<{ username: string; bot: boolean }> }>().items;
    expect(all.filter((m) => !m.bot).map((m) => m.username)).toEqual(['pal', 'palina', 'zed']);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const answer = await get(`/guilds/${alpha}/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const res: { items: Array<{ username: string }>; nextCursor: string | null } = answer.json();
      expect(res.items.length).toBeLessThanOrEqual(2);
      paged.push(...res.items.map((m) => m.username));
      cursor = res.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all.map((m) => m.username));
  });

  it('answers 404 for a server the bot is not in, or another user’s account', async () => {
    expect((await get('/guilds/123456789012345678/members')).json()).toMatchObject({ statusCode: 404 });
    expect((await get('/guilds', bob)).statusCode).toBe(404);
    expect((await get('/guilds/nope/members')).statusCode).toBe(400);
  });

  it('tells on every friend whether the bot can see them', async () => {
    const list = (await get('/friends')).json<{ items: Array<{ id: string; visible: boolean | null }> }>();
    const visible = Object.fromEntries(list.items.map((f) => [f.id, f.visible]));
    expect(visible).toEqual({ [friendIds.pal]: true, [friendIds.stranger]: false });
    expect((await get(`/friends/${friendIds.stranger}`)).json()).toMatchObject({ visible: false, presence: null });
  });

  it('answers 409 while the worker is not ready', async () => {
    const other = (await createAccount(t.app, ada.authorization)).id;
    const res = await t.app.inject({ method: 'GET', url: `/api/accounts/${other}/guilds`, headers: { authorization: ada.authorization } });
    expect(res.json()).toMatchObject({ statusCode: 409, code: 'WORKER_NOT_READY' });
  });
});
