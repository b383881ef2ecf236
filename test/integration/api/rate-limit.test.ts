import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';

const LIMIT = 3;
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: LIMIT, AUTH_FAILURES_MAX: LIMIT } });
});
afterAll(async () => t?.close());

const login = (remoteAddress: string, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress,
    headers,
    payload: { email: 'nobody@example.com', password: 'wrong password here' },
  });

describe('auth rate limit', () => {
  it('answers 429 with retry-after once an IP has used up its login attempts', async () => {
    for (let i = 0; i < LIMIT; i += 1) expect((await login('10.0.0.1')).statusCode).toBe(401);
    const res = await login('10.0.0.1');
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'RATE_LIMITED' });
  });

  it('does not give an IP a fresh budget for a made-up Authorization header', async () => {
    for (let i = 0; i < LIMIT; i += 1) await login('10.0.0.2');
    const res = await login('10.0.0.2', { authorization: 'Bearer made-up' });
    expect(res.statusCode).toBe(429);
  });

  it('counts each IP on its own', async () => {
    for (let i = 0; i < LIMIT; i += 1) await login('10.0.0.3');
    expect((await login('10.0.0.4')).statusCode).toBe(401);
  });

  it('limits registration too', async () => {
    const register = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        remoteAddress: '10.0.0.5',
        payload: { email: 'not-an-email', password: 'a long enough password' },
      });
    for (let i = 0; i < LIMIT; i += 1) expect((await register()).statusCode).toBe(400);
    expect((await register()).statusCode).toBe(429);
  });
});

describe('behind a reverse proxy', () => {
  let proxied: TestApp;
  beforeAll(async () => {
    proxied = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: LIMIT, TRUST_PROXY: '10.9.0.1, loopback' } });
  });
  afterAll(async () => proxied?.close());

  const loginVia = (app: TestApp, proxy: string, forwardedFor: string) =>
    app.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: proxy,
      headers: { 'x-forwarded-for': forwardedFor },
      payload: { email: 'nobody@example.com', password: 'wrong password here' },
    });

  it('counts each client a trusted proxy names (TRUST_PROXY) on its own', async () => {
    for (let i = 0; i < LIMIT; i += 1) expect((await loginVia(proxied, '10.9.0.1', '203.0.113.1')).statusCode).toBe(401);
    expect((await loginVia(proxied, '10.9.0.1', '203.0.113.1')).statusCode).toBe(429);
    expect((await loginVia(proxied, '10.9.0.1', '203.0.113.2')).statusCode).toBe(401);
  });

  it('ignores X-Forwarded-For from a peer it does not trust, and without TRUST_PROXY', async () => {
    for (const [app, peer] of [[proxied, '10.9.0.7'], [t, '10.0.2.1']] as const) {
      // A made-up address on each attempt buys no fresh budget.
      for (let i = 0; i < LIMIT; i += 1) expect((await loginVia(app, peer, `198.51.100.${i}`)).statusCode).toBe(401);
      expect((await loginVia(app, peer, '198.51.100.99')).statusCode).toBe(429);
    }
  });
});

describe('rate limit keys', () => {
  it('shares one budget between login and register', async () => {
    const register = () =>
      t.app.inject({ method: 'POST', url: '/api/auth/register', remoteAddress: '10.0.1.1', payload: { email: 'x', password: 'y' } });
    for (let i = 0; i < LIMIT - 1; i += 1) await login('10.0.1.1');
    expect((await register()).statusCode).toBe(400);
    expect((await register()).statusCode).toBe(429);
  });

  it('counts failed authentications per IP, whatever route they hit', async () => {
    const probe = (remoteAddress: string) =>
      t.app.inject({ method: 'GET', url: '/api/accounts', remoteAddress, headers: { authorization: 'Bearer not.a.token' } });
    for (let i = 0; i < LIMIT; i += 1) expect((await probe('10.0.1.2')).statusCode).toBe(401);
    const res = await probe('10.0.1.2');
    expect(res.statusCode).toBe(429);
    expect(res.json()).toMatchObject({ code: 'RATE_LIMITED' });
  });
});

describe('the global limit is per verified user', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await buildTestApp({ env: { RATE_LIMIT_MAX: 3, AUTH_RATE_LIMIT_MAX: 100 } });
  });
  afterAll(async () => strict?.close());

  it('gives no fresh budget for a token whose last base64url character was changed', async () => {
    const { authorization } = await registerAndLogin(strict.app);
    // The last character of a 256-bit signature carries 2 spare bits: four spellings verify alike.
    const base = authorization.slice(0, -1);
    const last = authorization.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const group = Math.floor(alphabet.indexOf(last) / 4) * 4;
    const spellings = [0, 1, 2, 3].map((i) => `${base}${alphabet[group + i]}`);
    const statuses: number[] = [];
    for (const spelling of [...spellings, ...spellings]) {
      const res = await strict.app.inject({ method: 'GET', url: '/api/accounts', remoteAddress: '10.0.2.1', headers: { authorization: spelling } });
      statuses.push(res.statusCode);
    }
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(3);
    expect(statuses).toContain(429);
  });
});
