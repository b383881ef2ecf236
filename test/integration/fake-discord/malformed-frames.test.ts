import { describe, expect } from 'vitest';
import { createWorld, loginAndWaitReady, rawGateway, test } from './helpers.js';

describe('fake Discord: malformed gateway frames', () => {
  test('malformed frames are dropped and the same connection still heartbeats and identifies', async ({ fake }) => {
    const { bot } = createWorld(fake);
    const gateway = await rawGateway(fake.url);
    let closed = false;
    gateway.socket.on('close', () => {
      closed = true;
    });

    for (const garbage of ['not json', '[1,2]', '{"op":"x"}', '{"op":42,"d":{}}', '{"op":2,"d":null}', '{"op":6,"d":{"seq":"a"}}', 'null']) {
      gateway.socket.send(garbage);
    }
    gateway.socket.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
    const ack = gateway.next((f) => f.op === 11);
    gateway.socket.send(JSON.stringify({ op: 1, d: null }));
    await ack;
    const ready = gateway.next((f) => f.t === 'READY');
    gateway.socket.send(JSON.stringify({ op: 2, d: { token: bot.token, intents: 1 | 2 | 256, properties: {} } }));

    const frame = await ready;
    expect(frame).toMatchObject({ op: 0, s: 1, d: { session_id: expect.any(String), user: { id: bot.id } } });
    expect(closed).toBe(false);
    gateway.socket.close(1000);
  });

  test('a flood of garbage from one socket does not disturb a discord.js client on another', async ({ fake, newClient }) => {
    const { bot } = createWorld(fake);
    const attacker = await rawGateway(fake.url);
    for (let i = 0; i < 200; i++) attacker.socket.send(`{"op":${i % 3 === 0 ? '"' : ''}${i}`);
    const client = newClient();

    await loginAndWaitReady(client, bot.token);

    expect(client.isReady()).toBe(true);
    attacker.socket.close(1000);
  });
});
