import { describe, expect } from 'vitest';
import { WebSocket } from 'ws';
import { createWorld, test } from './helpers.js';

/** Opens a raw gateway socket and collects every frame it receives. */
async function openGateway(url: string): Promise<{ socket: WebSocket; frames: Array<{ op: number; t?: string | null; d?: unknown }> }> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/?v=10&encoding=json`);
  const frames: Array<{ op: number; t?: string | null; d?: unknown }> = [];
  socket.on('message', (data) => frames.push(JSON.parse((data as Buffer).toString())));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, frames };
}

function closeCode(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

describe('fake Discord: tokens and intents', () => {
  test('login with an unknown token rejects with TokenInvalid and opens no gateway socket', async ({ fake, newClient }) => {
    createWorld(fake);
    let sockets = 0;
    fake.on('connection', () => {
      sockets += 1;
    });
    const client = newClient();

    await expect(client.login('MTIz.bm90.YS1yZWFsLXRva2Vu')).rejects.toMatchObject({ code: 'TokenInvalid' });

    expect(sockets).toBe(0);
    expect(fake.stats()).toMatchObject({ connections: 0, identifies: 0 });
  });

  test('login asking for a privileged intent the bot was not granted rejects with disallowed intents', async ({ fake, newClient }) => {
    const { bot } = createWorld(fake, { grantedIntents: ['GuildMembers'] });
    const client = newClient();
    const disconnected = new Promise<number>((resolve) => client.once('shardDisconnect', (event) => resolve(event.code)));

    await expect(client.login(bot.token)).rejects.toThrow(/disallowed intents/i);

    expect(await disconnected).toBe(4014);
    expect(fake.stats().identifies).toBe(0);
  });

  test('a bot granted only GuildMembers may log in without GuildPresences', async ({ fake, newClient }) => {
    const { bot } = createWorld(fake, { grantedIntents: ['GuildMembers'] });
    const client = newClient([1, 2]);

    await client.login(bot.token);

    expect(client.user?.id).toBe(bot.id);
  });

  test('IDENTIFY with an unknown token is closed with 4004', async ({ fake }) => {
    const { socket, frames } = await openGateway(fake.url);
    const closed = closeCode(socket);

    socket.send(JSON.stringify({ op: 2, d: { token: 'not-a-token', intents: 1, properties: {} } }));

    expect(await closed).toBe(4004);
    expect(frames[0]).toMatchObject({ op: 10, d: { heartbeat_interval: 1000 } });
  });

  test('GET /gateway/bot with an unknown token answers 401 as JSON', async ({ fake }) => {
    const response = await fetch(`${fake.apiUrl}/v10/gateway/bot`, { headers: { authorization: 'Bot nope' } });

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ message: '401: Unauthorized', code: 0 });
  });

  test('a RESUME for an unknown session is answered with INVALID_SESSION false', async ({ fake }) => {
    const { bot } = createWorld(fake);
    const { socket, frames } = await openGateway(fake.url);
    const invalid = new Promise<void>((resolve) => socket.on('message', () => frames.some((f) => f.op === 9) && resolve()));

    socket.send(JSON.stringify({ op: 6, d: { token: bot.token, session_id: 'nope', seq: 1 } }));

    await invalid;
    expect(frames.find((f) => f.op === 9)).toMatchObject({ op: 9, d: false });
    socket.close();
  });
});
