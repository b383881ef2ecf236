import { describe, expect } from 'vitest';
import { test } from './helpers.js';

describe('fake Discord: REST answers', () => {
  test('an unknown route answers 404 as JSON', async ({ fake }) => {
    const bot = fake.createBot();

    const response = await fetch(`${fake.apiUrl}/v10/nothing/here`, { headers: { authorization: `Bot ${bot.token}` } });

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ message: '404: Not Found', code: 0 });
  });

  test('invalid JSON in a request body answers 400 as JSON', async ({ fake }) => {
    const bot = fake.createBot();

    const response = await fetch(`${fake.apiUrl}/v10/users/@me/channels`, {
      method: 'POST',
      headers: { authorization: `Bot ${bot.token}`, 'content-type': 'application/json' },
      body: '{"recipient_id":',
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ code: 50109 });
  });

  test('GET /gateway needs no token and GET /gateway/bot reports a session start limit', async ({ fake }) => {
    const bot = fake.createBot();

    const open = await fetch(`${fake.apiUrl}/v10/gateway`);
    const withBot = await fetch(`${fake.apiUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${bot.token}` } });

    expect(await open.json()).toEqual({ url: fake.url.replace('http', 'ws') });
    expect(await withBot.json()).toMatchObject({
      url: fake.url.replace('http', 'ws'),
      shards: 1,
      session_start_limit: { remaining: expect.any(Number), max_concurrency: 1 },
    });
  });
});
