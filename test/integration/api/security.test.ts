import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';
import { createAccount, createFriend, expiredToken, fakeBotToken, randomSnowflake, signJwt, tamperedToken } from './helpers.js';

let t: TestApp;
let owner: Awaited<ReturnType<typeof registerAndLogin>>;
let intruder: Awaited<ReturnType<typeof registerAndLogin>>;
let account: { id: string; token: string };
let friend: { id: string; discordUserId: string };

beforeAll(async () => {
  t = await buildTestApp();
  owner = await registerAndLogin(t.app);
  intruder = await registerAndLogin(t.app);
  account = await createAccount(t.app, owner.authorization, { label: 'Owner secret label' });
  friend = await createFriend(t.app, owner.authorization, account.id, { displayName: 'Owner secret friend' });
  const entry = { accountId: account.id, friendId: friend.id, discordUserId: friend.discordUserId, at: new Date() };
  await t.app.db.models.ActivityHistory.create({ ...entry, kind: 'online' });
  await t.app.db.models.ContentHistory.create({ ...entry, status: 'sent', reason: 'Owner secret reason' });
});
afterAll(async () => t?.close());

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
interface RouteCase {
  method: Method;
  /** Path with `:id` and `:friendId` placeholders. */
  path: string;
  payload?: () => Record<string, unknown>;
}

/** Every route on one account or friend; another user must get 404 from each. */
const ID_ROUTES: RouteCase[] = [
  { method: 'GET', path: '/api/accounts/:id' },
  { method: 'PUT', path: '/api/accounts/:id', payload: () => ({ label: 'hijacked' }) },
  { method: 'DELETE', path: '/api/accounts/:id' },
  { method: 'POST', path: '/api/accounts/:id/start' },
  { method: 'POST', path: '/api/accounts/:id/stop' },
  { method: 'GET', path: '/api/accounts/:id/friends' },
  { method: 'POST', path: '/api/accounts/:id/friends', payload: () => ({ discordUserId: randomSnowflake() }) },
  { method: 'GET', path: '/api/accounts/:id/friends/:friendId' },
  { method: 'PUT', path: '/api/accounts/:id/friends/:friendId', payload: () => ({ displayName: 'hijacked' }) },
  { method: 'DELETE', path: '/api/accounts/:id/friends/:friendId' },
  { method: 'GET', path: '/api/accounts/:id/activity' },
  { method: 'GET', path: '/api/accounts/:id/content-history' },
];

/** Every route that needs a token. */
const PROTECTED_ROUTES: RouteCase[] = [
  { method: 'GET', path: '/api/auth/me' },
  { method: 'GET', path: '/api/status' },
  { method: 'GET', path: '/api/accounts' },
  { method: 'POST', path: '/api/accounts', payload: () => ({ label: 'x', token: fakeBotToken() }) },
  ...ID_ROUTES,
];

function send(r: RouteCase, authorization?: string) {
  return t.app.inject({
    method: r.method,
    url: r.path.replace(':id', account.id).replace(':friendId', friend.id),
    ...(authorization ? { headers: { authorization } } : {}),
    ...(r.payload ? { payload: r.payload() } : {}),
  });
}

const unsignedToken = (payload: object) =>
  `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;

async function ownerDataIsIntact(): Promise<void> {
  const accountRes = await send({ method: 'GET', path: '/api/accounts/:id' }, owner.authorization);
  expect(accountRes.json()).toMatchObject({ label: 'Owner secret label', state: 'stopped', desiredState: 'stopped' });
  const friendRes = await send({ method: 'GET', path: '/api/accounts/:id/friends' }, owner.authorization);
  expect(friendRes.json().items).toEqual([expect.objectContaining({ id: friend.id, displayName: 'Owner secret friend' })]);
}

describe('authentication', () => {
  const badCredentials: Array<[string, () => string | undefined]> = [
    ['no token', () => undefined],
    ['a token with a changed signature', () => `Bearer ${tamperedToken(owner.authorization)}`],
    ['an expired token', () => `Bearer ${expiredToken(t.app, owner.userId)}`],
    ['a token signed with another secret', () => `Bearer ${signJwt({ sub: owner.userId, role: 'admin' }, 'x'.repeat(64))}`],
    ['an unsigned (alg none) token', () => `Bearer ${unsignedToken({ sub: owner.userId, role: 'admin' })}`],
    ['a Basic credential', () => `Basic ${Buffer.from(`${owner.email}:${owner.password}`).toString('base64')}`],
  ];

  for (const [what, credential] of badCredentials) {
    it(`every protected route answers 401 to ${what}`, async () => {
      for (const route of PROTECTED_ROUTES) {
        const res = await send(route, credential());
        expect(res.statusCode, `${route.method} ${route.path}`).toBe(401);
        expect(res.json(), `${route.method} ${route.path}`).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      }
      await ownerDataIsIntact();
    });
  }
});

describe("another user's account, friends and history", () => {
  for (const route of ID_ROUTES) {
    it(`${route.method} ${route.path} answers 404 and reveals nothing`, async () => {
      const res = await send(route, intruder.authorization);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String), code: 'NOT_FOUND' });
      expect(res.body).not.toMatch(/Owner secret/);
      expect(res.body).not.toContain(friend.discordUserId);
      await ownerDataIsIntact();
    });
  }

  it("does not list another user's accounts", async () => {
    const res = await t.app.inject({ url: '/api/accounts', headers: { authorization: intruder.authorization } });
    expect(res.json()).toEqual({ items: [], nextCursor: null });
  });
});

describe('malformed requests', () => {
  const post = (payload: string | object, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/accounts',
      headers: { authorization: owner.authorization, ...headers },
      payload: payload as never,
    });

  it('answers 400 to a query operator where a string belongs', async () => {
    const res = await post({ label: { $ne: null }, token: fakeBotToken() });
    expect(res.statusCode).toBe(400);
  });

  it('answers 413 to a body over the limit', async () => {
    const res = await post({ label: 'x', token: fakeBotToken(), padding: 'x'.repeat(t.app.config.BODY_LIMIT_BYTES) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  it('answers 415 to a body that is not JSON', async () => {
    const res = await post('label=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
  });

  it('answers 400 to malformed JSON', async () => {
    const res = await post('{"label": "x",', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('answers 400 to a JSON prototype-pollution attempt', async () => {
    const res = await post(`{"label":"x","token":"${fakeBotToken()}","__proto__":{"admin":true}}`, {
      'content-type': 'application/json',
    });
    expect(res.statusCode).toBe(400);
  });

  it('answers 400 to an unknown body field', async () => {
    const res = await post({ label: 'x', token: fakeBotToken(), desiredState: 'running' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/unknown field/);
  });

  it('answers 404 in the common shape for a route that does not exist', async () => {
    const res = await t.app.inject({ url: '/api/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'ROUTE_NOT_FOUND' });
  });
});
