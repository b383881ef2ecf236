import { describe, expect } from 'vitest';
import type { FakeDiscord } from '../../../fake-discord/index.js';
import { createWorld, loginAndWaitReady, rawGateway, test, waitFor } from './helpers.js';

const ALL_INTENTS = 1 | 2 | 256;

/** A raw socket that IDENTIFYs as `token` and resolves with its session id once READY arrived. */
async function identify(fake: FakeDiscord, token: string) {
  const gateway = await rawGateway(fake.url);
  const ready = gateway.next((f) => f.t === 'READY');
  gateway.socket.send(JSON.stringify({ op: 2, d: { token, intents: ALL_INTENTS, properties: {} } }));
  const frame = await ready;
  return { ...gateway, sessionId: (frame.d as { session_id: string }).session_id };
}

describe('fake Discord: maxSessionsPerBot', () => {
  test('two discord.js clients of one bot connected at once count 2, and the peak stays after one leaves', async ({ fake, newClient }) => {
    const { bot } = createWorld(fake);
    const first = newClient();
    const second = newClient();
    await loginAndWaitReady(first, bot.token);
    await loginAndWaitReady(second, bot.token);

    expect(fake.stats().maxSessionsPerBot).toBe(2);

    const gone = waitFor(fake, 'disconnect');
    await first.destroy();
    await gone;
    expect(fake.stats()).toMatchObject({ connections: 1, maxSessionsPerBot: 2 });
  });

  test('clients of one bot that connect one after the other count 1', async ({ fake, newClient }) => {
    const { bot } = createWorld(fake);
    const first = newClient();
    await loginAndWaitReady(first, bot.token);
    const gone = waitFor(fake, 'disconnect');
    await first.destroy();
    await gone;

    await loginAndWaitReady(newClient(), bot.token);

    expect(fake.stats()).toMatchObject({ identifies: 2, maxSessionsPerBot: 1 });
  });

  test('one session each for two different bots counts 1', async ({ fake, newClient }) => {
    const a = createWorld(fake);
    const b = createWorld(fake);

    await loginAndWaitReady(newClient(), a.bot.token);
    await loginAndWaitReady(newClient(), b.bot.token);

    expect(fake.stats()).toMatchObject({ connections: 2, maxSessionsPerBot: 1 });
  });

  test('a dropped session waiting to be resumed is not live; once resumed beside a new one it is', async ({ fake }) => {
    const { bot } = createWorld(fake);
    const first = await identify(fake, bot.token);
    const dropped = waitFor(fake, 'disconnect');
    first.socket.terminate(); // a network drop: the session stays resumable
    await dropped;

    const second = await identify(fake, bot.token);
    expect(fake.stats().maxSessionsPerBot).toBe(1);

    const third = await rawGateway(fake.url);
    const resumed = third.next((f) => f.t === 'RESUMED');
    third.socket.send(JSON.stringify({ op: 6, d: { token: bot.token, session_id: first.sessionId, seq: 1 } }));
    await resumed;
    expect(fake.stats().maxSessionsPerBot).toBe(2);

    second.socket.close(1000);
    third.socket.close(1000);
  });

  test('a client that resumes its own session after a drop still counts 1', async ({ fake, newClient }) => {
    const { bot } = createWorld(fake);
    await loginAndWaitReady(newClient(), bot.token);
    const resumed = waitFor(fake, 'resumed');

    fake.disconnectBot(bot.id);
    await resumed;

    expect(fake.stats()).toMatchObject({ resumes: 1, maxSessionsPerBot: 1 });
  });

  test('reset forgets the peak; GET /_fake/stats reports it', async ({ fake, newClient }) => {
    const { bot } = createWorld(fake);
    await loginAndWaitReady(newClient(), bot.token);
    expect(fake.stats().maxSessionsPerBot).toBe(1);

    fake.reset();

    const answer = await fetch(`${fake.url}/_fake/stats`);
    expect(await answer.json()).toMatchObject({ connections: 0, maxSessionsPerBot: 0 });
  });
});
