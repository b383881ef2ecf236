import { once } from 'node:events';
import { ActivityType, GatewayIntentBits, type Presence } from 'discord.js';
import { describe, expect } from 'vitest';
import { createWorld, loginAndWaitReady, test, waitFor } from './helpers.js';

describe('fake Discord: login and presences with discord.js', () => {
  test('a client logs in and has the guild, its channel and its members cached at clientReady', async ({ fake, newClient }) => {
    const { bot, friend, guild } = createWorld(fake, { username: 'delivery-bot' });
    const client = newClient();

    await loginAndWaitReady(client, bot.token);

    expect(client.user?.id).toBe(bot.id);
    expect(client.user?.username).toBe('delivery-bot');
    const cached = client.guilds.cache.get(guild.id);
    expect(cached?.name).toBe('Test Guild');
    expect(cached?.channels.cache.get(guild.channelId)?.name).toBe('general');
    expect(cached?.members.cache.has(friend.id)).toBe(true);
    expect(cached?.members.cache.has(bot.id)).toBe(true);
    expect(fake.stats()).toMatchObject({ connections: 1, identifies: 1 });
  });

  test('a presence set before login arrives in GUILD_CREATE', async ({ fake, newClient }) => {
    const { bot, friend, guild } = createWorld(fake);
    fake.setPresence(friend.id, { status: 'idle', activities: [{ name: 'Chess', type: 0 }] });
    const client = newClient();

    await loginAndWaitReady(client, bot.token);

    const presence = client.guilds.cache.get(guild.id)?.presences.cache.get(friend.id);
    expect(presence?.status).toBe('idle');
    expect(presence?.activities[0]?.name).toBe('Chess');
  });

  test('a presence change fires presenceUpdate with the new activity', async ({ fake, newClient }) => {
    const { bot, friend } = createWorld(fake);
    const client = newClient();
    await loginAndWaitReady(client, bot.token);
    const update = waitFor<[Presence | null, Presence]>(client, 'presenceUpdate', (_old, next) => next.userId === friend.id);

    const { deliveredTo } = fake.setPresence(friend.id, {
      status: 'online',
      activities: [{ name: 'Spotify', type: ActivityType.Listening, state: 'Some Artist' }],
    });

    const [, next] = await update;
    expect(deliveredTo).toBe(1);
    expect(next.status).toBe('online');
    expect(next.activities[0]).toMatchObject({ name: 'Spotify', type: ActivityType.Listening, state: 'Some Artist' });
    expect(fake.stats().presenceUpdates).toBe(1);
  });

  test('a bot that did not ask for GuildPresences gets no presence updates', async ({ fake, newClient }) => {
    const { bot, friend } = createWorld(fake);
    const client = newClient([GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers]);
    await loginAndWaitReady(client, bot.token);

    const { deliveredTo } = fake.setPresence(friend.id, { status: 'online', activities: [{ name: 'Chess', type: 0 }] });

    expect(deliveredTo).toBe(0);
    expect(fake.stats().presenceUpdates).toBe(0);
  });

  test('guild.members.fetch() is answered with GUILD_MEMBERS_CHUNK echoing the nonce', async ({ fake, newClient }) => {
    const { bot, friend, guild } = createWorld(fake);
    const client = newClient();
    await loginAndWaitReady(client, bot.token);

    const members = await client.guilds.cache.get(guild.id)?.members.fetch({ time: 10_000 });

    expect([...(members?.keys() ?? [])].sort()).toEqual([bot.id, friend.id].sort());
  });

  test('a guild created while the bot is connected arrives as guildCreate', async ({ fake, newClient }) => {
    const { bot } = createWorld(fake);
    const client = newClient();
    await loginAndWaitReady(client, bot.token);
    const other = fake.createUser({ username: 'newcomer' });
    const created = once(client, 'guildCreate', { signal: AbortSignal.timeout(20_000) });

    const guild = fake.createGuild({ name: 'Second', botIds: [bot.id], userIds: [other.id] });

    const [cached] = await created;
    expect(cached.id).toBe(guild.id);
    expect(cached.members.cache.has(other.id)).toBe(true);
  });
});
