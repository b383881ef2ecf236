import { describe, expect } from 'vitest';
import { WebSocket } from 'ws';
import { createWorld, loginAndWaitReady, test } from './helpers.js';

interface Frame {
  op: number;
  t?: string | null;
  s?: number | null;
  d?: unknown;
}

/** A raw gateway client that collects frames and can wait for the next one matching a test. */
async function rawGateway(url: string) {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/?v=10&encoding=json`);
  const frames: Frame[] = [];
  const waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Frame;
    frames.push(frame);
    for (const waiter of [...waiters]) {
      if (waiter.match(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const next = (match: (f: Frame) => boolean) => new Promise<Frame>((resolve) => waiters.push({ match, resolve }));
  return { socket, frames, next };
}

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
