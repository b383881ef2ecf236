import { afterAll, beforeAll, expect, it } from 'vitest';
import { REGEX_WRITE_BURST } from '../../../src/services/regex-write-rate.js';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';
import { createAccount } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  // One write a minute past the burst: no token comes back during the test, however slow the machine.
  t = await buildTestApp({ env: { REGEX_RULE_WRITES_PER_MINUTE: 1 } });
});
afterAll(async () => t?.close());

it('limits how often one user saves rules with regex triggers, whatever route carries them', async () => {
  const user = await registerAndLogin(t.app);
  const other = await registerAndLogin(t.app);
  const { id } = await createAccount(t.app, user.authorization);
  const call = (authorization: string, method: 'POST' | 'PUT', url: string, payload: object) =>
    t.app.inject({ method, url, headers: { authorization }, payload });
  const rules = (n: number) => ({ triggers: [{ kinds: ['activity:start'], name: { match: 'regex', value: `^game ${n}` } }] });
  const friend = (await call(user.authorization, 'POST', `/api/accounts/${id}/friends`, { discordUserId: '310000000000000001', rules: rules(0) })).json();
  for (let n = 1; n < REGEX_WRITE_BURST; n += 1) {
    expect((await call(user.authorization, 'PUT', `/api/accounts/${id}/friends/${friend.id}`, { rules: rules(n) })).statusCode).toBe(200);
  }
  const friendWrite = await call(user.authorization, 'PUT', `/api/accounts/${id}/friends/${friend.id}`, { rules: rules(9) });
  expect(friendWrite.statusCode).toBe(429);
  expect(friendWrite.json()).toMatchObject({ code: 'REGEX_WRITE_RATE_LIMITED' });
  expect(Number(friendWrite.headers['retry-after'])).toBeGreaterThan(0);
  const defaults = await call(user.authorization, 'PUT', `/api/accounts/${id}`, { settings: { defaultRules: rules(10) } });
  expect(defaults.statusCode).toBe(429);
  // Rules without regex triggers, and other users, are not held back.
  const plain = { triggers: [{ kinds: ['online'] }] };
  expect((await call(user.authorization, 'PUT', `/api/accounts/${id}/friends/${friend.id}`, { rules: plain })).statusCode).toBe(200);
  const theirs = await createAccount(t.app, other.authorization);
  expect((await call(other.authorization, 'PUT', `/api/accounts/${theirs.id}`, { settings: { defaultRules: rules(11) } })).statusCode).toBe(200);
  // The refused write changed nothing.
  const stored = (await t.app.inject({ url: `/api/accounts/${id}/friends/${friend.id}`, headers: { authorization: user.authorization } })).json();
  expect(stored.rules).toMatchObject(plain);
});
