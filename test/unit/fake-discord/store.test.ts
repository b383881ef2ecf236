import { describe, expect, test } from 'vitest';
import { FakeDiscordError } from '../../../fake-discord/errors.js';
import { SnowflakeGenerator } from '../../../fake-discord/snowflake.js';
import { FakeStore } from '../../../fake-discord/store.js';

function world() {
  const store = new FakeStore(new SnowflakeGenerator());
  const bot = store.createBot({ username: 'b' });
  const user = store.createUser({ username: 'u' });
  const guild = store.createGuild({ botIds: [bot.id], userIds: [user.id] });
  return { store, bot, user, guild };
}

describe('FakeStore', () => {
  test('a new bot is granted both privileged intents by default', () => {
    expect(world().bot.grantedIntents).toBe(2 | 256);
  });

  test('bot tokens start with the base64 of the bot id, like real ones', () => {
    const { bot } = world();

    expect(Buffer.from(bot.token.split('.')[0] ?? '', 'base64url').toString()).toBe(bot.id);
  });

  test('an activity that continues keeps its start time', () => {
    const { store, user } = world();
    store.setPresence(user.id, { status: 'online', activities: [{ name: 'Chess', type: 0 }] });
    const started = store.user(user.id)?.presence.activities[0]?.createdAt;

    store.setPresence(user.id, { status: 'idle', activities: [{ name: 'Chess', type: 0 }, { name: 'Music', type: 2 }] });

    expect(store.user(user.id)?.presence.activities[0]?.createdAt).toBe(started);
  });

  test('going offline clears the activities', () => {
    const { store, user } = world();

    store.setPresence(user.id, { status: 'offline', activities: [{ name: 'Chess', type: 0 }] });

    expect(store.user(user.id)?.presence).toEqual({ status: 'offline', activities: [] });
  });

  test('a guild with an unknown member is refused', () => {
    const { store } = world();

    expect(() => store.createGuild({ botIds: ['1'], userIds: [] })).toThrow(FakeDiscordError);
  });

  test('a bot has one DM channel per recipient', () => {
    const { store, bot, user } = world();

    expect(store.openDmChannel(bot.id, user.id).id).toBe(store.openDmChannel(bot.id, user.id).id);
  });

  test('messages filter by bot, recipient and channel, oldest first', () => {
    const { store, bot, user, guild } = world();
    const dm = store.openDmChannel(bot.id, user.id);
    const first = store.addMessage({ botId: bot.id, channelId: dm.id, recipientId: user.id, content: '1', embeds: [] });
    const second = store.addMessage({ botId: bot.id, channelId: guild.channelId, content: '2', embeds: [] });

    expect(store.messages()).toEqual([first, second]);
    expect(store.messages({ recipientId: user.id })).toEqual([first]);
    expect(store.messages({ channelId: guild.channelId })).toEqual([second]);
    expect(store.messages({ botId: 'other' })).toEqual([]);
  });

  test('sharesGuild is true only for members of a common guild', () => {
    const { store, bot, user } = world();
    const stranger = store.createUser({ username: 's' });

    expect(store.sharesGuild(bot.id, user.id)).toBe(true);
    expect(store.sharesGuild(bot.id, stranger.id)).toBe(false);
  });
});
