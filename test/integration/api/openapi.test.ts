import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../support/build-app.js';

let t: TestApp;
let doc: { paths: Record<string, Record<string, Operation>> };

interface Operation {
  tags?: string[];
  summary?: string;
  security?: unknown[];
  responses: Record<string, unknown>;
}

/** Every route of the API, as OpenAPI paths. */
const ROUTES = [
  'post /api/auth/register',
  'post /api/auth/login',
  'get /api/auth/me',
  'get /api/health',
  'get /api/status',
  'get /api/status/history',
  'get /api/events',
  'post /api/events/ticket',
  'get /api/accounts',
  'post /api/accounts',
  'get /api/accounts/{id}',
  'put /api/accounts/{id}',
  'delete /api/accounts/{id}',
  'post /api/accounts/{id}/start',
  'post /api/accounts/{id}/stop',
  'post /api/accounts/{id}/restart',
  'post /api/accounts/start',
  'post /api/accounts/stop',
  'get /api/accounts/{id}/invite-url',
  'get /api/accounts/{id}/guilds',
  'get /api/accounts/{id}/guilds/{guildId}/members',
  'get /api/accounts/{id}/logs',
  'get /api/accounts/{id}/friends',
  'post /api/accounts/{id}/friends',
  'get /api/accounts/{id}/friends/{friendId}',
  'put /api/accounts/{id}/friends/{friendId}',
  'delete /api/accounts/{id}/friends/{friendId}',
  'post /api/accounts/{id}/friends/{friendId}/test',
  'get /api/accounts/{id}/activity',
  'get /api/accounts/{id}/content-history',
];
const PUBLIC = new Set(['post /api/auth/register', 'post /api/auth/login', 'get /api/health']);

beforeAll(async () => {
  t = await buildTestApp();
  const res = await t.app.inject({ url: '/docs/json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(async () => t?.close());

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => [`${method} ${path}`, op] as const),
  );

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3 document', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('lists every route of the API and nothing else', () => {
    expect(operations().map(([name]) => name).sort()).toEqual([...ROUTES].sort());
  });

  it('gives every route a tag, a summary and a documented error answer', () => {
    for (const [name, op] of operations()) {
      expect(op.tags?.length, name).toBeGreaterThan(0);
      expect(op.summary, name).toBeTruthy();
      const statuses = Object.keys(op.responses);
      expect(statuses.some((s) => s.startsWith('2')), name).toBe(true);
      if (name !== 'get /api/health') expect(statuses.some((s) => s.startsWith('4')), name).toBe(true);
    }
  });

  it('marks every protected route with bearer auth and a 401 answer', () => {
    for (const [name, op] of operations()) {
      if (PUBLIC.has(name)) {
        expect(op.security, name).toBeUndefined();
        continue;
      }
      expect(op.security, name).toEqual([{ bearerAuth: [] }]);
      expect(op.responses, name).toHaveProperty('401');
    }
  });

  it('never documents a token or password in an answer', () => {
    const answers = JSON.stringify(operations().map(([, op]) => op.responses));
    expect(answers).not.toMatch(/"(token|password|passwordHash|ciphertext|ownerId)"/);
  });
});

describe('Swagger UI', () => {
  it('serves the documentation page at /docs', async () => {
    const res = await t.app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('swagger-ui');
  });
});
