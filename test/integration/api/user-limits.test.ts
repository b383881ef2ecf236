import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';
import { createAccount, createFriend, fakeBotToken, randomSnowflake } from './helpers.js';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ env: { MAX_ACCOUNTS_PER_USER: 2, MAX_FRIENDS_PER_USER: 3 } });
});
afterAll(async () => {
  await t?.close();
});

const post = (authorization: string, url: string, payload: object) =>
  t.app.inject({ method: 'POST', url, headers: { authorization }, payload });

describe('per-user limits', () => {
  it('refuses an account past MAX_ACCOUNTS_PER_USER with 409, even to parallel requests, and only for that user', async () => {
    const user = await registerAndLogin(t.app);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => post(user.authorization, '/api/accounts', { label: 'bot', token: fakeBotToken() })),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 201, 409, 409, 409]);
    expect(answers.find((a) => a.statusCode === 409)?.json()).toMatchObject({
      statusCode: 409,
      code: 'ACCOUNT_LIMIT_REACHED',
      message: expect.stringContaining('MAX_ACCOUNTS_PER_USER=2'),
    });

    const other = await registerAndLogin(t.app);
    await expect(createAccount(t.app, other.authorization)).resolves.toMatchObject({ id: expect.any(String) });

    // Deleting one makes room again.
    const { items } = (await t.app.inject({ url: '/api/accounts', headers: { authorization: user.authorization } })).json();
    await t.app.inject({ method: 'DELETE', url: `/api/accounts/${items[0].id}`, headers: { authorization: user.authorization } });
    await expect(createAccount(t.app, user.authorization)).resolves.toMatchObject({ id: expect.any(String) });
  });

  it('counts friends over all of a user’s accounts against MAX_FRIENDS_PER_USER', async () => {
    const user = await registerAndLogin(t.app);
    const [a, b] = [await createAccount(t.app, user.authorization), await createAccount(t.app, user.authorization)];
    await createFriend(t.app, user.authorization, a.id);
    await createFriend(t.app, user.authorization, a.id);
    await createFriend(t.app, user.authorization, b.id);
    const refused = await post(user.authorization, `/api/accounts/${b.id}/friends`, { discordUserId: randomSnowflake() });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'FRIEND_LIMIT_REACHED', message: expect.stringContaining('MAX_FRIENDS_PER_USER=3') });
  });
});
