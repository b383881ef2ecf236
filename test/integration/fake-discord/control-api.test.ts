import type { Presence } from 'discord.js';
import { describe, expect } from 'vitest';
import { loginAndWaitReady, test, waitFor } from './helpers.js';

/** One control call over HTTP: JSON in, JSON out. */
async function call<T = unknown>(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}/_fake${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, body: (await response.json()) as T };
}

describe('fake Discord: the HTTP control API', () => {
  test('bots, users, guilds and presences created over HTTP drive a real discord.js client', async ({ fake, newClient }) => {
    const bot = await call<{ id: string; token: string; username: string }>(fake.url, 'POST', '/bots', { username: 'http-bot' });
    const user = await call<{ id: string }>(fake.url, 'POST', '/users', { username: 'http-friend' });
    const guild = await call<{ id: string; channelId: string }>(fake.url, 'POST', '/guilds', {
      name: 'HTTP Guild',
      botIds: [bot.body.id],
      userIds: [user.body.id],
    });
    expect(bot).toMatchObject({ status: 200, body: { username: 'http-bot' } });
    expect(guild.body.channelId).toMatch(/^\d{17,19}$/);
    const client = newClient();
    await loginAndWaitReady(client, bot.body.token);
    const update = waitFor<[Presence | null, Presence]>(client, 'presenceUpdate');

    const presence = await call(fake.url, 'PUT', `/users/${user.body.id}/presence`, {
      status: 'dnd',
      activities: [{ name: 'Over HTTP', type: 3 }],
    });

    expect(presence).toEqual({ status: 200, body: { deliveredTo: 1 } });
    const [, next] = await update;
    expect(next.activities[0]?.name).toBe('Over HTTP');
    expect(client.guilds.cache.get(guild.body.id)?.name).toBe('HTTP Guild');
  });

  test('messages and stats are readable over HTTP, filtered by recipient', async ({ fake, newClient }) => {
    const bot = fake.createBot();
    const friend = fake.createUser({ username: 'friend' });
    const other = fake.createUser({ username: 'other' });
    fake.createGuild({ botIds: [bot.id], userIds: [friend.id, other.id] });
    const client = newClient();
    await loginAndWaitReady(client, bot.token);
    await client.users.send(friend.id, 'to friend');
    await client.users.send(other.id, 'to other');

    const messages = await call<Array<{ content: string; recipientId: string; botId: string; at: string }>>(
      fake.url,
      'GET',
      `/messages?recipientId=${friend.id}`,
    );
    const stats = await call(fake.url, 'GET', '/stats');

    expect(messages.body).toHaveLength(1);
    expect(messages.body[0]).toMatchObject({ content: 'to friend', recipientId: friend.id, botId: bot.id });
    expect(new Date(messages.body[0]?.at ?? '').getTime()).not.toBeNaN();
    expect(stats.body).toEqual({ connections: 1, identifies: 1, resumes: 0, resumesRefused: 0, dispatches: 2, presenceUpdates: 0, messages: 2, maxSessionsPerBot: 1 });
  });

  test('disconnect over HTTP drops the bot and it resumes', async ({ fake, newClient }) => {
    const bot = fake.createBot();
    fake.createGuild({ botIds: [bot.id], userIds: [] });
    const client = newClient();
    await loginAndWaitReady(client, bot.token);
    const resumed = waitFor(fake, 'resumed');

    const answer = await call(fake.url, 'POST', `/bots/${bot.id}/disconnect`);

    expect(answer).toEqual({ status: 200, body: { closed: 1 } });
    await resumed;
  });

  test('heartbeats turned off over HTTP make the client drop the zombie connection and resume', async ({ fake, newClient }) => {
    const bot = fake.createBot();
    fake.createGuild({ botIds: [bot.id], userIds: [] });
    const client = newClient();
    await loginAndWaitReady(client, bot.token);
    const zombie = waitFor(fake, 'disconnect');
    const resumed = waitFor(fake, 'resumed');

    expect(await call(fake.url, 'POST', `/bots/${bot.id}/heartbeats`, { ack: false })).toEqual({ status: 200, body: { ok: true } });
    await zombie;
    await call(fake.url, 'POST', `/bots/${bot.id}/heartbeats`, { ack: true });
    await resumed;

    expect(fake.stats().resumes).toBe(1);
  });

  test('a rate limit injected over HTTP answers the next matching call with 429', async ({ fake }) => {
    const bot = fake.createBot();

    await call(fake.url, 'POST', '/ratelimit', { botId: bot.id, route: '/gateway/bot', count: 1, retryAfter: 2.5 });
    const limited = await fetch(`${fake.apiUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${bot.token}` } });
    const next = await fetch(`${fake.apiUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${bot.token}` } });

    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/json/);
    expect(limited.headers.get('retry-after')).toBe('2.5');
    expect(limited.headers.get('x-ratelimit-reset-after')).toBe('2.5');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-limit')).toMatch(/^\d+$/);
    expect(limited.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]+$/);
    expect(await limited.json()).toMatchObject({ retry_after: 2.5, global: false });
    expect(next.status).toBe(200);
  });

  test('reset over HTTP forgets bots, messages and counters', async ({ fake }) => {
    const bot = fake.createBot();

    const answer = await fetch(`${fake.url}/_fake/reset`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    const gateway = await fetch(`${fake.apiUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${bot.token}` } });

    expect(answer.status).toBe(200);
    expect(gateway.status).toBe(401);
    expect((await call(fake.url, 'GET', '/stats')).body).toEqual({
      connections: 0,
      identifies: 0,
      resumes: 0,
      resumesRefused: 0,
      dispatches: 0,
      presenceUpdates: 0,
      messages: 0,
      maxSessionsPerBot: 0,
    });
  });

  test('bad control calls answer 400 or 404 with a message', async ({ fake }) => {
    const bot = fake.createBot();
    const user = fake.createUser({ username: 'u' });

    const badStatus = await call<{ message: string }>(fake.url, 'PUT', `/users/${user.id}/presence`, { status: 'away' });
    const unknownBot = await call<{ message: string }>(fake.url, 'POST', '/guilds', { botIds: ['123'], userIds: [] });
    const reserved = await call<{ message: string }>(fake.url, 'POST', `/bots/${bot.id}/disconnect`, { code: 4200 });
    const unknownUser = await call<{ message: string }>(fake.url, 'PUT', '/users/999/presence', { status: 'online' });

    expect(badStatus.status).toBe(400);
    expect(unknownBot).toMatchObject({ status: 404, body: { message: 'unknown bot 123' } });
    expect(reserved.status).toBe(400);
    expect(reserved.body.message).toMatch(/4200/);
    expect(unknownUser.status).toBe(404);
  });
});
