import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../support/build-app.js';

const LIMIT = 3;
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: LIMIT } });
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
