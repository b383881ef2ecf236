import { describe, expect, it } from 'vitest';
import { registerAndLogin } from '../../support/build-app.js';
import { useFakeDiscordApp } from '../../support/fake-discord-app.js';
import { waitForWorker } from './helpers.js';

const t = useFakeDiscordApp();

describe('bot token secrecy', () => {
  it('never shows a registered token in any answer or log line, also while its worker runs', async () => {
    const bot = t.fake.createBot({});
    const replacement = t.fake.createBot({});
    const friend = t.fake.createUser({ username: 'sam' });
    t.fake.createGuild({ botIds: [bot.id, replacement.id], userIds: [friend.id] });
    const user = await registerAndLogin(t.app);
    const bodies: string[] = [];
    const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) => {
      const res = await t.app.inject({ method, url, headers: { authorization: user.authorization }, ...(payload ? { payload } : {}) });
      bodies.push(`${JSON.stringify(res.headers)}\n${res.body}`);
      return res;
    };

    const created = await call('POST', '/api/accounts', { label: 'secret keeper', token: bot.token });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string }>().id;
    // A rejected body that carries the token must not echo it either.
    expect((await call('POST', '/api/accounts', { label: 'x', token: bot.token, extra: true })).statusCode).toBe(400);
    expect((await call('POST', '/api/accounts', { label: '', token: bot.token })).statusCode).toBe(400);
    await call('POST', `/api/accounts/${id}/friends`, { discordUserId: friend.id });
    await call('POST', `/api/accounts/${id}/start`);
    await waitForWorker(t.app, id, (w) => w.state === 'ready');
    await call('GET', `/api/accounts/${id}`);
    await call('GET', '/api/accounts');
    await call('GET', '/api/status');
    await call('PUT', `/api/accounts/${id}`, { token: replacement.token });
    await waitForWorker(t.app, id, (w) => w.state === 'ready' && w.botUserId === replacement.id);
    await call('PUT', `/api/accounts/${id}`, { label: 'renamed' });
    await call('POST', `/api/accounts/${id}/stop`);
    await call('DELETE', `/api/accounts/${id}`);

    // The test can fail: the logs hold the requests and the worker's own lines.
    expect(t.logs.some((line) => line.includes('"url":"/api/accounts"'))).toBe(true);
    expect(t.logs.some((line) => line.includes(id) && line.includes('ready'))).toBe(true);
    for (const token of [bot.token, replacement.token]) {
      const secretPart = token.split('.')[2]!;
      for (const text of [...bodies, ...t.logs]) {
        expect(text).not.toContain(token);
        expect(text).not.toContain(secretPart);
      }
    }
  });
});
