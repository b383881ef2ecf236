import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';
import { expiredToken, tamperedToken } from './helpers.js';

let t: TestApp;
let user: Awaited<ReturnType<typeof registerAndLogin>>;

beforeAll(async () => {
  t = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: 1000 } });
  user = await registerAndLogin(t.app);
});
afterAll(async () => t?.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload: payload as never, headers });

describe('POST /api/auth/register', () => {
  it('creates a user and answers with its public fields only', async () => {
    const res = await post('/api/auth/register', { email: 'New.User@Example.com', password: 'a long enough password' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['createdAt', 'email', 'id', 'role']);
    expect(body).toMatchObject({ email: 'new.user@example.com', role: 'user' });
    expect(body.id).toMatch(/^[0-9a-f]{24}$/);
    expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);
  });

  it('answers 409 EMAIL_TAKEN for an email that exists, whatever its case', async () => {
    const res = await post('/api/auth/register', { email: user.email.toUpperCase(), password: 'another long password' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: expect.any(String),
      code: 'EMAIL_TAKEN',
    });
  });

  it('rejects a password shorter than 12 characters', async () => {
    const res = await post('/api/auth/register', { email: 'short@example.com', password: 'elevenchars' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_ERROR' });
  });

  it('rejects a password longer than 256 characters', async () => {
    const res = await post('/api/auth/register', { email: 'long@example.com', password: 'x'.repeat(257) });
    expect(res.statusCode).toBe(400);
  });

  it('rejects a malformed email', async () => {
    const res = await post('/api/auth/register', { email: 'not-an-email', password: 'a long enough password' });
    expect(res.statusCode).toBe(400);
  });

  it('rejects a query operator in place of the email', async () => {
    const res = await post('/api/auth/register', { email: { $gt: '' }, password: 'a long enough password' });
    expect(res.statusCode).toBe(400);
  });

  it('rejects an unknown field instead of ignoring it', async () => {
    const res = await post('/api/auth/register', { email: 'role@example.com', password: 'a long enough password', role: 'admin' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/unknown field/);
  });
});

describe('POST /api/auth/login', () => {
  it('answers with a bearer token that expires after JWT_EXPIRES_IN', async () => {
    const res = await post('/api/auth/login', { email: user.email, password: user.password });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['accessToken', 'expiresIn', 'tokenType']);
    expect(body.tokenType).toBe('Bearer');
    expect(body.expiresIn).toBe(12 * 3600);
    const me = await t.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${body.accessToken}` } });
    expect(me.json().id).toBe(user.userId);
  });

  it('accepts the email in any case', async () => {
    const res = await post('/api/auth/login', { email: user.email.toUpperCase(), password: user.password });
    expect(res.statusCode).toBe(200);
  });

  it('answers the same 401 for a wrong password and for an unknown email', async () => {
    const wrongPassword = await post('/api/auth/login', { email: user.email, password: 'not the password at all' });
    const unknownEmail = await post('/api/auth/login', { email: 'nobody@example.com', password: user.password });
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(401);
    expect(wrongPassword.json()).toEqual(unknownEmail.json());
    expect(wrongPassword.json()).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Invalid email or password',
      code: 'UNAUTHORIZED',
    });
  });

  it('rejects a query operator in place of the email', async () => {
    const res = await post('/api/auth/login', { email: { $gt: '' }, password: user.password });
    expect(res.statusCode).toBe(400);
  });

  it('rejects a query operator in place of the password', async () => {
    const res = await post('/api/auth/login', { email: user.email, password: { $ne: null } });
    expect(res.statusCode).toBe(400);
  });
});

describe('GET /api/auth/me', () => {
  it("answers with the token owner's public fields", async () => {
    const res = await t.app.inject({ url: '/api/auth/me', headers: { authorization: user.authorization } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: user.userId, email: user.email, role: 'user', createdAt: expect.any(String) });
  });

  it('answers 401 without a token', async () => {
    const res = await t.app.inject({ url: '/api/auth/me' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized', code: 'UNAUTHORIZED' });
  });

  it('answers 401 for a token with a changed signature', async () => {
    const res = await t.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${tamperedToken(user.authorization)}` } });
    expect(res.statusCode).toBe(401);
  });

  it('answers 401 for an expired token', async () => {
    const res = await t.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${expiredToken(t.app, user.userId)}` } });
    expect(res.statusCode).toBe(401);
  });

  it('answers 401 for a valid token of a user that does not exist', async () => {
    const token = t.app.jwt.sign({ sub: '0123456789abcdef01234567', role: 'user' });
    const res = await t.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(401);
  });
});

describe('the admin role', () => {
  const history = (authorization: string) => t.app.inject({ url: '/api/status/history', headers: { authorization } });

  it('is the stored one, not the one the token was issued with: a demoted admin is refused', async () => {
    const admin = await registerAndLogin(t.app, undefined, 'admin');
    await t.app.users.setRole(admin.email, 'user');
    expect((await history(admin.authorization)).statusCode).toBe(403);
    const status = await t.app.inject({ url: '/api/status', headers: { authorization: admin.authorization } });
    expect(status.json()).not.toHaveProperty('server');
  });

  it('needs no new login once given: a promoted user is let in', async () => {
    const promoted = await registerAndLogin(t.app);
    await t.app.users.setRole(promoted.email, 'admin');
    expect((await history(promoted.authorization)).statusCode).toBe(200);
  });
});
