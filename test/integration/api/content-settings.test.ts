import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';
import { fakeBotToken } from './helpers.js';

let t: TestApp;
let permissive: TestApp;
let user: Awaited<ReturnType<typeof registerAndLogin>>;

beforeAll(async () => {
  [t, permissive] = await Promise.all([buildTestApp(), buildTestApp({ env: { CONTENT_ALLOW_PRIVATE_HOSTS: '1' } })]);
  user = await registerAndLogin(t.app);
});
afterAll(async () => Promise.all([t?.close(), permissive?.close()]));

const createWith = (app: TestApp['app'], authorization: string, provider: Record<string, unknown>) =>
  app.inject({
    method: 'POST',
    url: '/api/accounts',
    headers: { authorization },
    payload: { label: 'x', token: fakeBotToken(), settings: { content: { providers: [{ weight: 1, ...provider }] } } },
  });

describe('directory providers stay inside CONTENT_DIR', () => {
  it.each(['../secrets', '/etc', 'sample-content/../../..'])('refuses %s with 400', async (path) => {
    const res = await createWith(t.app, user.authorization, { kind: 'directory', path });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_CONTENT_CONFIG', message: expect.stringContaining('outside the content folder') });
  });

  it('accepts a folder inside it', async () => {
    const res = await createWith(t.app, user.authorization, { kind: 'directory', path: 'sample-content' });
    expect(res.statusCode).toBe(201);
  });
});

describe('gimme providers may not point at private addresses', () => {
  it.each([
    'http://127.0.0.1:8080',
    'http://localhost:3000',
    'http://[::1]/',
    'http://169.254.169.254/latest',
    'http://10.0.0.5',
    'http://192.168.1.1',
    'http://[::ffff:127.0.0.1]/',
    'http://0.0.0.0',
  ])('refuses %s with 400', async (baseUrl) => {
    const res = await createWith(t.app, user.authorization, { kind: 'gimme', baseUrl, subreddits: [] });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'PRIVATE_HOST', message: expect.stringContaining('providers[0].baseUrl') });
  });

  it('accepts a public host', async () => {
    const res = await createWith(t.app, user.authorization, { kind: 'gimme', baseUrl: 'https://meme-api.example', subreddits: [] });
    expect(res.statusCode).toBe(201);
  });

  it('accepts a private host when CONTENT_ALLOW_PRIVATE_HOSTS=1', async () => {
    const other = await registerAndLogin(permissive.app);
    const res = await createWith(permissive.app, other.authorization, { kind: 'gimme', baseUrl: 'http://127.0.0.1:8080', subreddits: [] });
    expect(res.statusCode).toBe(201);
  });
});
