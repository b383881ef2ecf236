import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../support/build-app.js';

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
    expect(res.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error' });
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
