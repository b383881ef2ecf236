import { beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin } from '../../support/build-app.js';
import { useFakeDiscordApp } from '../../support/fake-discord-app.js';
import { botWithUser } from '../../support/watching-account.js';
import { createAccount, MISSING_ID, waitForWorker } from './helpers.js';

const t = useFakeDiscordApp();
let ada: Awaited<ReturnType<typeof registerAndLogin>>;
let bob: Awaited<ReturnType<typeof registerAndLogin>>;

const newBot = () => botWithUser(t.fake).bot;

beforeAll(async () => {
  ada = await registerAndLogin(t.app);
  bob = await registerAndLogin(t.app);
});

const call = (method: 'GET' | 'POST', url: string, payload?: unknown, who = ada) =>
  t.app.inject({ method, url, headers: { authorization: who.authorization }, ...(payload === undefined ? {} : { payload: payload as object }) });

describe('POST /api/accounts/:id/restart', () => {
  it('replaces a running worker with a new process, and starts a stopped one', async () => {
    const { id } = await createAccount(t.app, ada.authorization, { token: newBot().token });
    const started = await call('POST', `/api/accounts/${id}/restart`);
    expect(started.statusCode).toBe(200);
    expect(started.json()).toMatchObject({ desiredState: 'running' });
    const { pid } = await waitForWorker(t.app, id, (w) => w.state === 'ready');

    const res = await call('POST', `/api/accounts/${id}/restart`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ desiredState: 'running', worker: { restarts: 1 } });
    const after = await waitForWorker(t.app, id, (w) => w.state === 'ready');
    expect(after.pid).not.toBe(pid);
    await call('POST', `/api/accounts/${id}/stop`);
  });

  it("answers 404 for another user's account", async () => {
    const { id } = await createAccount(t.app, bob.authorization);
    expect((await call('POST', `/api/accounts/${id}/restart`)).json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    expect(t.app.supervisor.get(id)).toBeUndefined();
  });
});

describe('POST /api/accounts/start and /stop', () => {
  it('answers per id: yours start, others and missing ones are 404', async () => {
    const a = (await createAccount(t.app, ada.authorization, { token: newBot().token })).id;
    const b = (await createAccount(t.app, ada.authorization, { token: newBot().token })).id;
    const bobs = (await createAccount(t.app, bob.authorization)).id;
    const res = await call('POST', '/api/accounts/start', { ids: [a, bobs, b, MISSING_ID, 'nope'] });
    expect(res.statusCode).toBe(200);
    const { results } = res.json<{ results: Array<{ id: string; ok: boolean; error?: { statusCode: number } }> }>();
    expect(results.map((r) => [r.id, r.ok, r.error?.statusCode])).toEqual([
      [a, true, undefined],
      [bobs, false, 404],
      [b, true, undefined],
      [MISSING_ID, false, 404],
      ['nope', false, 404],
    ]);
    expect(results[0]).toMatchObject({ account: { id: a, desiredState: 'running' } });
    expect(t.app.supervisor.get(bobs)).toBeUndefined();
    await Promise.all([a, b].map((id) => waitForWorker(t.app, id, (w) => w.state === 'ready')));
  });

  it("stops every account of the caller when no ids are given, and only theirs", async () => {
    const bobs = (await createAccount(t.app, bob.authorization, { token: newBot().token })).id;
    await call('POST', `/api/accounts/${bobs}/start`, undefined, bob);
    await waitForWorker(t.app, bobs, (w) => w.state === 'ready');

    const res = await call('POST', '/api/accounts/stop', {});
    expect(res.statusCode).toBe(200);
    const { results } = res.json<{ results: Array<{ ok: boolean; account: { state: string; desiredState: string } }> }>();
    expect(results.length).toBeGreaterThanOrEqual(2);
    for (const r of results) expect(r).toMatchObject({ ok: true, account: { state: 'stopped', desiredState: 'stopped' } });
    expect(t.app.supervisor.get(bobs)?.state).toBe('ready');
    await call('POST', '/api/accounts/stop', undefined, bob);
    expect(t.app.supervisor.get(bobs)?.state).toBe('stopped');
  });

  it('rejects a malformed list', async () => {
    expect((await call('POST', '/api/accounts/start', { ids: [] })).statusCode).toBe(400);
    expect((await call('POST', '/api/accounts/start', { ids: [{}] })).statusCode).toBe(400);
    expect((await call('POST', '/api/accounts/start', { ids: [MISSING_ID], extra: 1 })).statusCode).toBe(400);
  });
});

describe('GET /api/accounts/:id/invite-url', () => {
  it('builds the OAuth2 URL from the bot id in the token, with the bot scope and the permissions it needs', async () => {
    const bot = t.fake.createBot({});
    const { id } = await createAccount(t.app, ada.authorization, { token: bot.token });
    const res = await call('GET', `/api/accounts/${id}/invite-url`);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ url: string; privilegedIntents: string[]; permissionNames: string[] }>();
    const url = new URL(body.url);
    expect(url.origin + url.pathname).toBe('https://discord.com/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: bot.id, scope: 'bot', permissions: String(1024 + 2048 + 16384) });
    expect(body.permissionNames).toEqual(['ViewChannel', 'SendMessages', 'EmbedLinks']);
    expect(body.privilegedIntents).toEqual(['SERVER MEMBERS INTENT', 'PRESENCE INTENT']);
  });

  it("answers 409 when the token does not name the bot, and 404 for another user's account", async () => {
    const { id } = await createAccount(t.app, ada.authorization, { token: `${'A'.repeat(24)}.GhIjKl.${'b'.repeat(27)}` });
    expect((await call('GET', `/api/accounts/${id}/invite-url`)).json()).toMatchObject({ statusCode: 409, code: 'BOT_ID_UNKNOWN' });
    const bobs = (await createAccount(t.app, bob.authorization)).id;
    expect((await call('GET', `/api/accounts/${bobs}/invite-url`)).statusCode).toBe(404);
  });
});
