import { describe, expect, it } from 'vitest';
import { type DeliverMessage, type DeliveryTarget, message, type OutgoingMessage } from '../../../src/ipc/index.js';
import { useWorkerRig } from './scenario.js';
import type { WorkerProcess } from './worker-process.js';

const rig = useWorkerRig();

let nextRequestId = 1;

function deliver(worker: WorkerProcess, target: DeliveryTarget, outgoing: OutgoingMessage = { content: 'hello' }): number {
  const requestId = nextRequestId++;
  worker.send(message<DeliverMessage>({ type: 'deliver', requestId, target, message: outgoing }));
  return requestId;
}

describe('account worker delivery', () => {
  it('sends a DM and answers with the message id Discord gave it', async () => {
    const { bot, friend, worker } = await rig.ready();
    const requestId = deliver(worker, { mode: 'dm', recipientId: friend.id }, { content: 'a cat for you' });

    const delivered = await worker.waitFor('delivered', (m) => m.requestId === requestId);
    const [sent] = rig.fake.messages({ botId: bot.id, recipientId: friend.id });
    expect(sent).toMatchObject({ content: 'a cat for you', channelId: delivered.channelId });
    expect(delivered.messageId).toBe(sent?.id);
  });

  it('opens the DM channel once for several messages to one friend', async () => {
    const { bot, friend, worker } = await rig.ready();
    const first = deliver(worker, { mode: 'dm', recipientId: friend.id }, { content: 'one' });
    const second = deliver(worker, { mode: 'dm', recipientId: friend.id }, { content: 'two' });

    const a = await worker.waitFor('delivered', (m) => m.requestId === first);
    const b = await worker.waitFor('delivered', (m) => m.requestId === second);
    expect(a.channelId).toBe(b.channelId);
    expect(rig.fake.messages({ botId: bot.id }).map((m) => m.content).sort()).toEqual(['one', 'two']);
  });

  it('posts in a channel with a mention of the recipient first', async () => {
    const { bot, friend, guild, worker } = await rig.ready();
    const requestId = deliver(
      worker,
      { mode: 'channel', recipientId: friend.id, channelId: guild.channelId },
      { content: 'look at this', embeds: [{ title: 'a dog', url: 'https://example.com/dog' }] },
    );

    const delivered = await worker.waitFor('delivered', (m) => m.requestId === requestId);
    const [sent] = rig.fake.messages({ botId: bot.id, channelId: guild.channelId });
    expect(delivered).toMatchObject({ channelId: guild.channelId, messageId: sent?.id });
    expect(sent?.content).toBe(`<@${friend.id}> look at this`);
    expect(sent?.embeds).toMatchObject([{ title: 'a dog', url: 'https://example.com/dog' }]);
  });

  it('waits out an injected 429 and delivers, reporting the invalid request', async () => {
    const { bot, friend, guild, worker } = await rig.ready();
    rig.fake.injectRateLimit({ botId: bot.id, route: 'POST /channels/:id/messages', count: 1, retryAfter: 1 });
    const before = Date.now();
    const requestId = deliver(worker, { mode: 'channel', recipientId: friend.id, channelId: guild.channelId });

    await worker.waitFor('delivered', (m) => m.requestId === requestId);
    expect(Date.now() - before).toBeGreaterThanOrEqual(1_000);
    expect(worker.all('rest:invalid')).toEqual([
      { v: 1, type: 'rest:invalid', status: 429, route: '/channels/:id/messages' },
    ]);
    expect(rig.fake.messages({ botId: bot.id })).toHaveLength(1);
    expect(worker.output).toContain('"msg":"rate limited; discord.js waits before retrying"');
  });

  it('fails at once, saying when to retry, when a rate limit outlasts the delivery timeout', async () => {
    const { bot, friend, guild, worker } = await rig.ready();
    rig.fake.injectRateLimit({ botId: bot.id, route: 'POST /channels/:id/messages', count: 1, retryAfter: 60 });
    const requestId = deliver(worker, { mode: 'channel', recipientId: friend.id, channelId: guild.channelId });

    const failed = await worker.waitFor('deliver:failed', (m) => m.requestId === requestId);
    expect(failed).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryable: true });
    expect(failed.retryAfterMs).toBeGreaterThanOrEqual(59_000);
    expect(rig.fake.messages({ botId: bot.id })).toEqual([]);
  });

  it('reports a refused DM as final, with Discord’s code, and counts the 403', async () => {
    const { bot, worker } = await rig.ready();
    const loner = rig.fake.createUser({ username: 'shares-no-guild' });
    const requestId = deliver(worker, { mode: 'dm', recipientId: loner.id });

    const failed = await worker.waitFor('deliver:failed', (m) => m.requestId === requestId);
    expect(failed).toMatchObject({ code: 50007, status: 403, retryable: false });
    expect(worker.all('rest:invalid').map((m) => m.status)).toEqual([403]);
    expect(rig.fake.messages({ botId: bot.id })).toEqual([]);
  });

  it('refuses an empty message without asking Discord', async () => {
    const { friend, worker } = await rig.ready();
    const requestId = deliver(worker, { mode: 'dm', recipientId: friend.id }, { content: '' });
    await expect(worker.waitFor('deliver:failed', (m) => m.requestId === requestId)).resolves.toMatchObject({
      code: 'EMPTY_MESSAGE',
      retryable: false,
    });
  });
});
