import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';
import { createAccount, createFriend, fakeBotToken, MISSING_ID } from './helpers.js';

let t: TestApp;
let user: Awaited<ReturnType<typeof registerAndLogin>>;

beforeAll(async () => {
  t = await buildTestApp();
  user = await registerAndLogin(t.app);
});
afterAll(async () => t?.close());

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const call = (method: Method, url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: { authorization: user.authorization }, ...(payload === undefined ? {} : { payload: payload as never }) });

const ACCOUNT_KEYS = [
  'botUserId',
  'botUsername',
  'createdAt',
  'desiredState',
  'id',
  'label',
  'lastError',
  'node',
  'settings',
  'state',
  'tokenHint',
  'updatedAt',
  'worker',
];

describe('POST /api/accounts', () => {
  it('creates a stopped account and answers with a token hint, never the token', async () => {
    const token = fakeBotToken();
    const res = await call('POST', '/api/accounts', { label: 'Gaming bot', token });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(ACCOUNT_KEYS);
    expect(body).toMatchObject({
      label: 'Gaming bot',
      tokenHint: `…${token.slice(-4)}`,
      desiredState: 'stopped',
      state: 'stopped',
      botUserId: null,
      lastError: null,
      worker: null,
      node: null,
      settings: { deliveryMode: 'dm' },
    });
    expect(res.body).not.toContain(token);
    expect(res.body).not.toMatch(/ciphertext|passwordHash|ownerId/);
  });

  it('stores delivery settings, content providers and default rules', async () => {
    const settings = {
      deliveryMode: 'channel',
      channelId: '123456789012345678',
      content: { providers: [{ kind: 'static', weight: 1, items: ['https://example.com/a.png'] }], allowNsfw: false },
      defaultRules: { cooldownSeconds: 600, triggers: [{ kinds: ['activity:start'], name: { match: 'regex', value: '^Elden' } }] },
    };
    const res = await call('POST', '/api/accounts', { label: 'Channel bot', token: fakeBotToken(), settings });
    expect(res.statusCode).toBe(201);
    // Flags left out get their safe default (allowSpoilers: false).
    expect(res.json().settings).toEqual({ ...settings, content: { ...settings.content, allowSpoilers: false } });
  });

  it('rejects a token that does not look like a bot token', async () => {
    const res = await call('POST', '/api/accounts', { label: 'x', token: 'hunter2' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_ERROR');
  });

  it('rejects channel delivery without a channel id', async () => {
    const res = await call('POST', '/api/accounts', { label: 'x', token: fakeBotToken(), settings: { deliveryMode: 'channel' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('CHANNEL_REQUIRED');
  });

  it('rejects a default rule whose regex RE2 cannot compile', async () => {
    const defaultRules = { triggers: [{ name: { match: 'regex', value: '(a' } }] };
    const res = await call('POST', '/api/accounts', { label: 'x', token: fakeBotToken(), settings: { defaultRules } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('INVALID_RULE');
  });

  it('rejects quiet hours in a time zone that does not exist', async () => {
    const defaultRules = { quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus_Mons' } };
    const res = await call('POST', '/api/accounts', { label: 'x', token: fakeBotToken(), settings: { defaultRules } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('INVALID_RULE');
  });

  it('rejects an unknown content provider kind', async () => {
    const content = { providers: [{ kind: 'ftp', weight: 1 }], allowNsfw: false };
    const res = await call('POST', '/api/accounts', { label: 'x', token: fakeBotToken(), settings: { content } });
    expect(res.statusCode).toBe(400);
  });

  it('rejects an unknown field, also inside settings', async () => {
    const top = await call('POST', '/api/accounts', { label: 'x', token: fakeBotToken(), ownerId: user.userId });
    const nested = await call('POST', '/api/accounts', { label: 'x', token: fakeBotToken(), settings: { lastState: 'ready' } });
    expect(top.statusCode).toBe(400);
    expect(nested.statusCode).toBe(400);
  });

  it('rejects an empty label', async () => {
    const res = await call('POST', '/api/accounts', { label: '', token: fakeBotToken() });
    expect(res.statusCode).toBe(400);
  });
});

describe('GET /api/accounts', () => {
  it("pages through the caller's accounts, newest first", async () => {
    const other = await registerAndLogin(t.app);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await createAccount(t.app, other.authorization, { label: `bot ${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/accounts?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.app.inject({ url, headers: { authorization: other.authorization } });
      expect(res.statusCode).toBe(200);
      const page = res.json<{ items: Array<{ id: string }>; nextCursor: string | null }>();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('shows each account as GET /api/accounts/:id does, before and after a change', async () => {
    const other = await registerAndLogin(t.app);
    const plain = await createAccount(t.app, other.authorization, { label: 'plain' });
    const failed = await createAccount(t.app, other.authorization, { label: 'failed', settings: { deliveryMode: 'dm' } });
    const elsewhere = await createAccount(t.app, other.authorization, { label: 'elsewhere' });
    const { DiscordAccount } = t.app.db.models;
    await DiscordAccount.updateOne(
      { _id: failed.id },
      { $set: { botUserId: '123456789012345678', botUsername: 'failing bot', lastError: { code: 'TOKEN_INVALID', message: 'bad token', at: new Date(0) } } },
    );
    await DiscordAccount.updateOne(
      { _id: elsewhere.id },
      { $set: { desiredState: 'running', lastState: 'ready', lease: { owner: 'node-elsewhere', expiresAt: new Date(Date.now() + 600_000), epoch: 1 } } },
    );
    // A label change through the API invalidates the cached list; the direct writes above come with it.
    await t.app.inject({ method: 'PUT', url: `/api/accounts/${plain.id}`, headers: { authorization: other.authorization }, payload: { label: 'renamed' } });

    const listed = (await t.app.inject({ url: '/api/accounts', headers: { authorization: other.authorization } })).json<{ items: unknown[] }>();
    const one = async (id: string) => (await t.app.inject({ url: `/api/accounts/${id}`, headers: { authorization: other.authorization } })).json();
    expect(listed.items).toEqual([await one(elsewhere.id), await one(failed.id), await one(plain.id)]);
    expect(listed.items).toMatchObject([
      { label: 'elsewhere', state: 'ready', node: 'node-elsewhere' },
      { botUsername: 'failing bot', lastError: { code: 'TOKEN_INVALID', at: '1970-01-01T00:00:00.000Z' }, settings: { deliveryMode: 'dm' } },
      { label: 'renamed', state: 'stopped', node: null, lastError: null, worker: null },
    ]);
  });

  it('rejects a limit above 100', async () => {
    const res = await call('GET', '/api/accounts?limit=101');
    expect(res.statusCode).toBe(400);
  });

  it('rejects a cursor it did not issue', async () => {
    const res = await call('GET', '/api/accounts?cursor=bm90LWEtY3Vyc29y');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('INVALID_CURSOR');
  });
});

describe('GET /api/accounts/:id', () => {
  it('answers with the account and its state', async () => {
    const { id } = await createAccount(t.app, user.authorization, { label: 'Lookup' });
    const res = await call('GET', `/api/accounts/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, label: 'Lookup', state: 'stopped', desiredState: 'stopped' });
  });

  it('answers 404 for an id no account has', async () => {
    const res = await call('GET', `/api/accounts/${MISSING_ID}`);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Account not found', code: 'NOT_FOUND' });
  });

  it('answers 404, not 500, for a malformed id', async () => {
    for (const id of ['nope', '123', 'zzzzzzzzzzzzzzzzzzzzzzzz', '%24gt']) {
      expect((await call('GET', `/api/accounts/${id}`)).statusCode).toBe(404);
    }
  });
});

describe('PUT /api/accounts/:id', () => {
  it('changes the label and merges settings key by key', async () => {
    const { id } = await createAccount(t.app, user.authorization, {
      settings: { deliveryMode: 'channel', channelId: '123456789012345678' },
    });
    const res = await call('PUT', `/api/accounts/${id}`, { label: 'Renamed', settings: { defaultRules: { cooldownSeconds: 60 } } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      label: 'Renamed',
      settings: { deliveryMode: 'channel', channelId: '123456789012345678', defaultRules: { cooldownSeconds: 60 } },
    });
  });

  it('replaces the token and shows only the new hint', async () => {
    const { id, token } = await createAccount(t.app, user.authorization);
    const newToken = fakeBotToken();
    const res = await call('PUT', `/api/accounts/${id}`, { token: newToken });
    expect(res.statusCode).toBe(200);
    expect(res.json().tokenHint).toBe(`…${newToken.slice(-4)}`);
    expect(res.body).not.toContain(newToken);
    expect(res.body).not.toContain(token);
  });

  it('leaves the account as it was for an empty body', async () => {
    const { id } = await createAccount(t.app, user.authorization, { label: 'Unchanged' });
    const res = await call('PUT', `/api/accounts/${id}`, {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, label: 'Unchanged', settings: { deliveryMode: 'dm' } });
  });

  it('rejects switching to channel delivery while no channel id is stored', async () => {
    const { id } = await createAccount(t.app, user.authorization);
    const res = await call('PUT', `/api/accounts/${id}`, { settings: { deliveryMode: 'channel' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('CHANNEL_REQUIRED');
  });

  it('accepts switching to channel delivery when a channel id is already stored', async () => {
    const { id } = await createAccount(t.app, user.authorization, {
      settings: { deliveryMode: 'dm', channelId: '123456789012345678' },
    });
    const res = await call('PUT', `/api/accounts/${id}`, { settings: { deliveryMode: 'channel' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().settings.deliveryMode).toBe('channel');
  });

  it('rejects an unknown field', async () => {
    const { id } = await createAccount(t.app, user.authorization);
    const res = await call('PUT', `/api/accounts/${id}`, { desiredState: 'running' });
    expect(res.statusCode).toBe(400);
  });

  it('answers 404 for an id no account has', async () => {
    expect((await call('PUT', `/api/accounts/${MISSING_ID}`, { label: 'x' })).statusCode).toBe(404);
  });
});

describe('DELETE /api/accounts/:id', () => {
  it('deletes the account with its friends and history', async () => {
    const { id } = await createAccount(t.app, user.authorization);
    const friend = await createFriend(t.app, user.authorization, id);
    const { ActivityHistory, ContentHistory } = t.app.db.models;
    await ActivityHistory.create({ accountId: id, friendId: friend.id, discordUserId: friend.discordUserId, kind: 'online', at: new Date() });
    await ContentHistory.create({ accountId: id, friendId: friend.id, discordUserId: friend.discordUserId, status: 'sent', at: new Date() });

    const res = await call('DELETE', `/api/accounts/${id}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await call('GET', `/api/accounts/${id}`)).statusCode).toBe(404);
    expect(await t.app.db.models.Friend.countDocuments({ accountId: id })).toBe(0);
    expect(await ActivityHistory.countDocuments({ accountId: id })).toBe(0);
    expect(await ContentHistory.countDocuments({ accountId: id })).toBe(0);
  });

  it('answers 404 the second time', async () => {
    const { id } = await createAccount(t.app, user.authorization);
    expect((await call('DELETE', `/api/accounts/${id}`)).statusCode).toBe(204);
    expect((await call('DELETE', `/api/accounts/${id}`)).statusCode).toBe(404);
  });
});

describe('POST /api/accounts/:id/stop', () => {
  it('is idempotent on an account that never ran', async () => {
    const { id } = await createAccount(t.app, user.authorization);
    const first = await call('POST', `/api/accounts/${id}/stop`);
    const second = await call('POST', `/api/accounts/${id}/stop`);
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ id, state: 'stopped', desiredState: 'stopped' });
  });

  it('answers 404 for an id no account has', async () => {
    expect((await call('POST', `/api/accounts/${MISSING_ID}/stop`)).statusCode).toBe(404);
    expect((await call('POST', `/api/accounts/${MISSING_ID}/start`)).statusCode).toBe(404);
  });
});
