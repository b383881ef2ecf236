import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('health and status', () => {
  it('answers health without authentication', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', db: 'up' });
  });

  it('tags every response with a request id', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health', headers: { 'x-request-id': 'trace-me-123' } });
    expect(res.headers['x-request-id']).toBe('trace-me-123');
    const other = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(other.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('requires a token for status', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/status' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
  });

  it('reports version, uptime, memory, database and worker counts', async () => {
    const { authorization } = await registerAndLogin(t.app);
    const res = await t.app.inject({ method: 'GET', url: '/api/status', headers: { authorization } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      db: { state: 'up', kind: 'mongodb' },
      accounts: { total: 0, byState: { stopped: 0, ready: 0 } },
    });
    expect(body.memory.rss).toBeGreaterThan(0);
    expect(body.server).toBeUndefined();
  });
});
