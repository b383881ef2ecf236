import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';
import { createAccount } from '../api/helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({
    beforeReady(app) {
      // Routes that fail the ways handlers can fail, to check the one error handler.
      app.get('/test/boom', async () => {
        throw new Error('secret internals: mongodb://admin:hunter2@db');
      });
      app.get('/test/mongoose-validation', async () => {
        const Probe = app.db.connection.model('Probe', new mongoose.Schema({ n: { type: Number, min: 5 } }));
        await Probe.create({ n: 1 });
      });
      app.get('/test/cast', async () => {
        await app.db.models.User.findById('not-an-id');
      });
      app.get('/test/duplicate', async () => {
        await app.db.models.User.create({ email: 'dup@example.com', passwordHash: 'x' });
        await app.db.models.User.create({ email: 'dup@example.com', passwordHash: 'x' });
      });
    },
  });
});
afterAll(async () => {
  await t.close();
});

const ERROR_SHAPE = {
  statusCode: expect.any(Number),
  error: expect.any(String),
  message: expect.any(String),
};

describe('the error handler', () => {
  it('answers an unknown error with 500 and no internals', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error', code: 'INTERNAL_ERROR' });
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('at ');
  });

  it('logs the unknown error with its request id', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/boom' });
    const line = t.logs.find((l) => l.includes('request failed') && l.includes(res.headers['x-request-id'] as string));
    expect(line).toBeDefined();
  });

  it('maps a mongoose validation error to 400', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/mongoose-validation' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ ...ERROR_SHAPE, code: 'VALIDATION_ERROR', message: expect.stringContaining('n') });
  });

  it('maps a malformed ObjectId to 400, never 500', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/cast' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_ID' });
  });

  it('maps a duplicate key to 409', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/duplicate' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'DUPLICATE', message: expect.stringContaining('email') });
  });

  it('answers a schema violation with 400 naming the field', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'a@example.com' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_ERROR', message: expect.stringContaining('password') });
  });

  it('answers malformed JSON with 400', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "a@example.com",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject(ERROR_SHAPE);
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/xml' },
      payload: '<login/>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
  });

  it('answers a body over the limit with 413', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'a@example.com', password: 'x'.repeat(100_000) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  it('answers an unknown route with 404 in the same shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Route GET /api/nope not found', code: 'ROUTE_NOT_FOUND' });
  });
});

describe('every error answer has the one shape and a specific code', () => {
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });

  /** A raw HTTP exchange: these answers come from below Fastify's routing, so inject cannot see them. */
  async function raw(path: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${baseUrl}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('answers a too-long path parameter with 414 URI_TOO_LONG', async () => {
    const res = await raw(`/api/accounts/${'a'.repeat(500)}`);
    expect(res).toEqual({ status: 414, body: { statusCode: 414, error: 'URI Too Long', message: expect.any(String), code: 'URI_TOO_LONG' } });
  });

  it('answers oversized headers with 431 HEADERS_TOO_LARGE', async () => {
    const res = await raw('/api/health', { 'x-filler': 'x'.repeat(20_000) });
    expect(res).toEqual({
      status: 431,
      body: { statusCode: 431, error: 'Request Header Fields Too Large', message: expect.any(String), code: 'HEADERS_TOO_LARGE' },
    });
  });

  it('answers a time that does not exist with 400 INVALID_DATE, not INVALID_ID', async () => {
    const { authorization } = await registerAndLogin(t.app);
    const account = await createAccount(t.app, authorization);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/accounts/${account.id}/activity?from=2016-12-31T23:59:60Z`,
      headers: { authorization },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_DATE', message: expect.stringContaining('from') });
  });

  it('answers a text/plain body on a JSON route with 415', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'text/plain' },
      payload: '{"email":"a@example.com","password":"x"}',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('gives 413, malformed JSON and 500 a code too', async () => {
    const big = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'a@example.com', password: 'x'.repeat(100_000) } });
    expect(big.json().code).toBe('BODY_TOO_LARGE');
    const malformed = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{' });
    expect(malformed.json().code).toBe('INVALID_JSON');
    const boom = await t.app.inject({ method: 'GET', url: '/test/boom' });
    expect(boom.json().code).toBe('INTERNAL_ERROR');
  });
});
