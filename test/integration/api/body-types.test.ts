import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';
import { createAccount, fakeBotToken } from './helpers.js';

let t: TestApp;
let user: Awaited<ReturnType<typeof registerAndLogin>>;

beforeAll(async () => {
  // The bounds below take more regex-rule writes than one user's rate allows at once; that rate
  // has its own test (regex-write-rate.test.ts).
  t = await buildTestApp({ env: { REGEX_RULE_WRITES_PER_MINUTE: 0 } });
  user = await registerAndLogin(t.app);
});
afterAll(async () => t?.close());

const call = (method: 'POST' | 'PUT' | 'GET', url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: { authorization: user.authorization }, ...(payload === undefined ? {} : { payload: payload as never }) });

describe('bodies are never coerced', () => {
  it('refuses an array where a string belongs', async () => {
    const res = await call('POST', '/api/accounts', { label: ['x'], token: fakeBotToken() });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_ERROR', message: 'label: must be a string' });
  });

  it('refuses a string where a boolean belongs', async () => {
    const { id } = await createAccount(t.app, user.authorization);
    const res = await call('POST', `/api/accounts/${id}/friends`, { discordUserId: '123456789012345678', enabled: 'false' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_ERROR', message: 'enabled: must be a boolean' });
  });

  it('still coerces query strings', async () => {
    const res = await call('GET', '/api/accounts?limit=5');
    expect(res.statusCode).toBe(200);
  });
});

describe('validation messages name the field and the problem', () => {
  it('names an unknown nested field', async () => {
    const res = await call('POST', '/api/accounts', { label: 'x', token: fakeBotToken(), settings: { defaultRules: { cooldown: 5 } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('settings.defaultRules.cooldown: unknown field');
  });

  it('names an unknown field inside a union instead of listing every branch', async () => {
    const { id } = await createAccount(t.app, user.authorization);
    const res = await call('POST', `/api/accounts/${id}/friends`, { discordUserId: '123456789012345678', rules: { cooldown: 5 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('rules.cooldown: unknown field');
  });

  it('lists the allowed values of a choice', async () => {
    const res = await call('POST', '/api/accounts', { label: 'x', token: fakeBotToken(), settings: { deliveryMode: 'email' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('settings.deliveryMode: must be one of "dm", "channel"');
  });

  it('names a missing field', async () => {
    const res = await call('POST', '/api/accounts', { token: fakeBotToken() });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('label: is required');
  });

  it('names the array index of a bad item', async () => {
    const res = await call('POST', '/api/accounts', {
      label: 'x',
      token: fakeBotToken(),
      settings: { defaultRules: { triggers: [{ kinds: ['online'] }, { kinds: ['dancing'] }] } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/^settings\.defaultRules\.triggers\[1\]\.kinds\[0\]: must be one of "online"/);
  });
});

describe('flags with an obvious safe default may be left out', () => {
  it('defaults allowNsfw and allowSpoilers to false', async () => {
    const res = await call('POST', '/api/accounts', {
      label: 'x',
      token: fakeBotToken(),
      settings: { content: { providers: [{ kind: 'static', weight: 1, items: ['hello'] }] } },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().settings.content).toEqual({
      providers: [{ kind: 'static', weight: 1, items: ['hello'] }],
      allowNsfw: false,
      allowSpoilers: false,
    });
  });
});

describe('regex triggers are bounded', () => {
  const withTriggers = (triggers: unknown[]) =>
    call('POST', '/api/accounts', { label: 'x', token: fakeBotToken(), settings: { defaultRules: { triggers } } });
  const regex = (value: string) => ({ name: { match: 'regex', value } });

  it('refuses a pattern whose counted repetition would make compiling and matching slow', async () => {
    const res = await withTriggers([regex('(a|aa|aaa|aaaa|\\pL|x){1000}')]);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_RULE', message: expect.stringContaining('repetition count 1000') });
    const nested = await withTriggers([regex('(\\pL{10}){10}')]);
    expect(nested.json()).toMatchObject({ code: 'INVALID_RULE', message: expect.stringContaining('too complex') });
  });

  it('refuses more than 5 regex triggers in one rule', async () => {
    const res = await withTriggers(Array.from({ length: 6 }, (_, i) => regex(`^game ${i}`)));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_RULE', message: expect.stringContaining('at most 5 regex triggers') });
  });

  it('accepts ordinary patterns', async () => {
    const res = await withTriggers([regex('^elden ring'), regex('(ab|cd){50}')]);
    expect(res.statusCode).toBe(201);
  });

  it('refuses more than 20 regex triggers over all of one account’s rules', async () => {
    const five = { triggers: Array.from({ length: 5 }, (_, i) => regex(`^game ${i}`)) };
    const account = (await withTriggers(five.triggers.slice(0, 1))).json();
    const friends = `/api/accounts/${account.id}/friends`;
    const friend = (n: number, rules?: object) => call('POST', friends, { discordUserId: `30000000000000000${n}`, ...(rules ? { rules } : {}) });
    // 1 in the default rules + 3 friends × 5 = 16; a fourth friend with 5 would make 21.
    for (const n of [1, 2, 3]) expect((await friend(n, five)).statusCode).toBe(201);
    const refused = await friend(4, five);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'REGEX_TRIGGER_LIMIT_REACHED', message: expect.stringContaining('21 regex triggers') });
    expect((await friend(5, { triggers: five.triggers.slice(0, 4) })).statusCode).toBe(201);
    expect((await friend(6)).statusCode).toBe(201);
    const defaults = await call('PUT', `/api/accounts/${account.id}`, { settings: { defaultRules: { triggers: five.triggers.slice(0, 2) } } });
    expect(defaults.statusCode).toBe(409);
    // Replacing a friend's rules counts the new ones instead of the old.
    const first = (await t.app.inject({ url: `${friends}?limit=100`, headers: { authorization: user.authorization } })).json().items;
    const withFive = first.find((f: { discordUserId: string }) => f.discordUserId === '300000000000000001');
    const replaced = await call('PUT', `${friends}/${withFive.id}`, { rules: five });
    expect(replaced.statusCode).toBe(200);
  });
});
