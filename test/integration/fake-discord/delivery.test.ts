import { DiscordAPIError, RESTEvents, type TextChannel } from 'discord.js';
import { describe, expect } from 'vitest';
import type { MessageRecord } from '../../../fake-discord/index.js';
import { createWorld, loginAndWaitReady, test, waitFor } from './helpers.js';

describe('fake Discord: delivering messages with discord.js', () => {
  test('a DM a bot sends is recorded with its recipient and content', async ({ fake, newClient }) => {
    const { bot, friend } = createWorld(fake);
    const client = newClient();
    await loginAndWaitReady(client, bot.token);
    const recorded = waitFor<[MessageRecord]>(fake, 'message');

    const sent = await client.users.send(friend.id, { content: 'hello', embeds: [{ title: 'A cat', url: 'https://example.com/cat' }] });

    const [record] = await recorded;
    expect(sent.id).toMatch(/^\d{17,19}$/);
    expect(record).toMatchObject({ id: sent.id, botId: bot.id, recipientId: friend.id, content: 'hello' });
    expect(record.embeds).toEqual([{ title: 'A cat', url: 'https://example.com/cat' }]);
    expect(fake.messages({ recipientId: friend.id })).toEqual([record]);
    expect(fake.stats().messages).toBe(1);
  });

  test('a second DM reuses the DM channel', async ({ fake, newClient }) => {
    const { bot, friend } = createWorld(fake);
    const client = newClient();
    await loginAndWaitReady(client, bot.token);

    await client.users.send(friend.id, 'one');
    await client.users.send(friend.id, 'two');

    const [first, second] = fake.messages({ botId: bot.id });
    expect(second?.channelId).toBe(first?.channelId);
    expect([first?.content, second?.content]).toEqual(['one', 'two']);
  });

  test('a message to the guild channel is recorded with its channelId and no recipient', async ({ fake, newClient }) => {
    const { bot, guild } = createWorld(fake);
    const client = newClient();
    await loginAndWaitReady(client, bot.token);
    const channel = client.channels.cache.get(guild.channelId) as TextChannel;

    await channel.send('in the channel');

    const [record] = fake.messages({ channelId: guild.channelId });
    expect(record).toMatchObject({ botId: bot.id, channelId: guild.channelId, content: 'in the channel' });
    expect(record).not.toHaveProperty('recipientId');
  });

  test('a message with a file attachment is recorded with its content', async ({ fake, newClient }) => {
    const { bot, guild } = createWorld(fake);
    const client = newClient();
    await loginAndWaitReady(client, bot.token);
    const channel = client.channels.cache.get(guild.channelId) as TextChannel;

    await channel.send({ content: 'with a file', files: [{ attachment: Buffer.from('meow'), name: 'cat.txt' }] });

    expect(fake.messages({ channelId: guild.channelId }).map((m) => m.content)).toEqual(['with a file']);
  });

  test('an injected 429 is retried after Retry-After and then succeeds', async ({ fake, newClient }) => {
    const { bot, friend } = createWorld(fake);
    const client = newClient();
    await loginAndWaitReady(client, bot.token);
    const retryAfter = 0.4;
    fake.injectRateLimit({ botId: bot.id, route: 'POST /channels/:id/messages', count: 1, retryAfter });
    let limitedAt = 0;
    fake.once('rateLimited', () => {
      limitedAt = performance.now();
    });
    const clientWaited = waitFor(client.rest, RESTEvents.RateLimited);

    await client.users.send(friend.id, 'after the limit');
    const deliveredAt = performance.now();

    await clientWaited;
    expect(limitedAt).toBeGreaterThan(0);
    // A lower bound only: the client must not retry before Retry-After.
    expect(deliveredAt - limitedAt).toBeGreaterThanOrEqual(retryAfter * 1000 - 20);
    expect(fake.messages({ botId: bot.id }).map((m) => m.content)).toEqual(['after the limit']);
  });

  test('a DM to a user who shares no guild with the bot fails with 50007', async ({ fake, newClient }) => {
    const { bot } = createWorld(fake);
    const stranger = fake.createUser({ username: 'stranger' });
    const client = newClient();
    await loginAndWaitReady(client, bot.token);

    const error = await client.users.send(stranger.id, 'hi').catch((err: unknown) => err);

    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ status: 403, code: 50007 });
    expect(fake.messages()).toEqual([]);
  });

  test('an empty message is refused with 50006', async ({ fake, newClient }) => {
    const { bot, guild } = createWorld(fake);
    const client = newClient();
    await loginAndWaitReady(client, bot.token);
    const channel = client.channels.cache.get(guild.channelId) as TextChannel;

    const error = await channel.send({ content: '   ' }).catch((err: unknown) => err);

    expect(error).toMatchObject({ status: 400, code: 50006 });
  });
});
