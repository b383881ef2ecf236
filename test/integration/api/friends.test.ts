import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';
import { createAccount, createFriend, MISSING_ID, randomSnowflake } from './helpers.js';

let t: TestApp;
let user: Awaited<ReturnType<typeof registerAndLogin>>;
let accountId: string;

beforeAll(async () => {
  t = await buildTestApp();
  user = await registerAndLogin(t.app);
  accountId = (await createAccount(t.app, user.authorization)).id;
});
afterAll(async () => t?.close());

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const call = (method: Method, url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: { authorization: user.authorization }, ...(payload === undefined ? {} : { payload: payload as never }) });
const friendsUrl = () => `/api/accounts/${accountId}/friends`;

describe('POST /api/accounts/:id/friends', () => {
  it('adds an enabled friend and answers with it', async () => {
    const discordUserId = randomSnowflake();
    const res = await call('POST', friendsUrl(), { discordUserId, displayName: 'Sam' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual([
      'accountId',
      'createdAt',
      'discordUserId',
      'displayName',
      'enabled',
      'id',
      'lastDecision',
      'presence',
      'rules',
      'updatedAt',
      'visible',
    ]);
    expect(body).toMatchObject({ accountId, discordUserId, displayName: 'Sam', enabled: true, rules: null });
    // Nothing seen or decided yet, and no worker to say whether the bot can see them.
    expect(body).toMatchObject({ visible: null, presence: null, lastDecision: null });
  });

  it('stores rule overrides', async () => {
    const rules = {
      cooldownSeconds: 3600,
      dailyCapPerFriend: 3,
      triggers: [{ kinds: ['activity:start'], activityTypes: ['playing'], name: { match: 'substring', value: 'Zelda' } }],
      quietHours: { start: '23:00', end: '08:00', timeZone: 'Europe/Paris' },
    };
    const res = await call('POST', friendsUrl(), { discordUserId: randomSnowflake(), rules });
    expect(res.statusCode).toBe(201);
    expect(res.json().rules).toEqual(rules);
  });

  it('answers 409 for a Discord user the account already watches', async () => {
    const { discordUserId } = await createFriend(t.app, user.authorization, accountId);
    const res = await call('POST', friendsUrl(), { discordUserId });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ statusCode: 409, error: 'Conflict' });
  });

  it('lets two accounts watch the same Discord user', async () => {
    const { discordUserId } = await createFriend(t.app, user.authorization, accountId);
    const other = await createAccount(t.app, user.authorization);
    const res = await call('POST', `/api/accounts/${other.id}/friends`, { discordUserId });
    expect(res.statusCode).toBe(201);
  });

  it('rejects a Discord id that is not a snowflake', async () => {
    const res = await call('POST', friendsUrl(), { discordUserId: '12345' });
    expect(res.statusCode).toBe(400);
  });

  it('rejects a rule with a regex RE2 cannot compile', async () => {
    const rules = { triggers: [{ name: { match: 'regex', value: '[unclosed' } }] };
    const res = await call('POST', friendsUrl(), { discordUserId: randomSnowflake(), rules });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_RULE', message: expect.stringContaining('rules/triggers/0/name/value') });
  });

  it('rejects an unknown field inside the rules', async () => {
    const res = await call('POST', friendsUrl(), { discordUserId: randomSnowflake(), rules: { maxPerHour: 3 } });
    expect(res.statusCode).toBe(400);
  });

  it('answers 404 for an account that does not exist', async () => {
    const res = await call('POST', `/api/accounts/${MISSING_ID}/friends`, { discordUserId: randomSnowflake() });
    expect(res.statusCode).toBe(404);
  });
});

describe('GET /api/accounts/:id/friends', () => {
  it("pages through the account's friends, newest first", async () => {
    const { id } = await createAccount(t.app, user.authorization);
    const created: string[] = [];
    for (let i = 0; i < 3; i += 1) created.push((await createFriend(t.app, user.authorization, id)).id);
    const first = await call('GET', `/api/accounts/${id}/friends?limit=2`);
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.items.map((f: { id: string }) => f.id)).toEqual([created[2], created[1]]);
    const second = await call('GET', `/api/accounts/${id}/friends?limit=2&cursor=${page1.nextCursor}`);
    expect(second.json()).toEqual({ items: [expect.objectContaining({ id: created[0] })], nextCursor: null });
  });

  it('answers 404 for a malformed account id', async () => {
    expect((await call('GET', '/api/accounts/not-an-id/friends')).statusCode).toBe(404);
  });
});

describe('GET /api/accounts/:id/friends/:friendId', () => {
  it('answers with the friend', async () => {
    const friend = await createFriend(t.app, user.authorization, accountId, { displayName: 'Alex' });
    const res = await call('GET', `${friendsUrl()}/${friend.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: friend.id, displayName: 'Alex' });
  });

  it("answers 404 for a friend of the caller's other account", async () => {
    const friend = await createFriend(t.app, user.authorization, accountId);
    const other = await createAccount(t.app, user.authorization);
    expect((await call('GET', `/api/accounts/${other.id}/friends/${friend.id}`)).statusCode).toBe(404);
  });

  it('answers 404 for a missing or malformed friend id', async () => {
    expect((await call('GET', `${friendsUrl()}/${MISSING_ID}`)).statusCode).toBe(404);
    expect((await call('GET', `${friendsUrl()}/nope`)).statusCode).toBe(404);
  });
});

describe('PUT /api/accounts/:id/friends/:friendId', () => {
  it('changes only the fields given', async () => {
    const friend = await createFriend(t.app, user.authorization, accountId, { displayName: 'Before' });
    const res = await call('PUT', `${friendsUrl()}/${friend.id}`, { enabled: false });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ displayName: 'Before', enabled: false, discordUserId: friend.discordUserId });
  });

  it('clears rule overrides with null', async () => {
    const friend = await createFriend(t.app, user.authorization, accountId, { rules: { cooldownSeconds: 5 } });
    const res = await call('PUT', `${friendsUrl()}/${friend.id}`, { rules: null });
    expect(res.statusCode).toBe(200);
    expect(res.json().rules).toBeNull();
  });

  it('answers 409 when moved onto a Discord user the account already watches', async () => {
    const a = await createFriend(t.app, user.authorization, accountId);
    const b = await createFriend(t.app, user.authorization, accountId);
    const res = await call('PUT', `${friendsUrl()}/${b.id}`, { discordUserId: a.discordUserId });
    expect(res.statusCode).toBe(409);
  });

  it('rejects an unknown field', async () => {
    const friend = await createFriend(t.app, user.authorization, accountId);
    const res = await call('PUT', `${friendsUrl()}/${friend.id}`, { accountId: MISSING_ID });
    expect(res.statusCode).toBe(400);
  });
});

describe('DELETE /api/accounts/:id/friends/:friendId', () => {
  it('removes the friend', async () => {
    const friend = await createFriend(t.app, user.authorization, accountId);
    const res = await call('DELETE', `${friendsUrl()}/${friend.id}`);
    expect(res.statusCode).toBe(204);
    expect((await call('GET', `${friendsUrl()}/${friend.id}`)).statusCode).toBe(404);
  });

  it('answers 404 for a friend that does not exist', async () => {
    expect((await call('DELETE', `${friendsUrl()}/${MISSING_ID}`)).statusCode).toBe(404);
  });
});
