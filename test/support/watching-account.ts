import type { FakeDiscord } from '../../fake-discord/index.js';
import type { App } from '../../src/app.js';
import type { DeliveryOutcome } from '../../src/services/delivery-pipeline.js';

export interface WatchingAccount {
  /** The account's id. */
  id: string;
  bot: ReturnType<FakeDiscord['createBot']>;
  /** The one user the account watches; they share a guild with the bot. */
  pal: { id: string };
  /** Pal's friend entry on the account. */
  friendId: string;
}

/** A new bot in a new guild with one new user, as the fake Discord knows them. */
export function botWithUser(fake: FakeDiscord, username?: string): { bot: ReturnType<FakeDiscord['createBot']>; user: { id: string } } {
  const bot = fake.createBot();
  const user = fake.createUser({ username: username ?? `friend-of-${bot.username}` });
  fake.createGuild({ botIds: [bot.id], userIds: [user.id] });
  return { bot, user };
}

/**
 * The scenario of the tests that follow a presence change through a real worker to its delivery:
 * a fake Discord bot in a guild with one user, `pal`, and an account for that bot (static content,
 * `rules` as its default rules) that watches pal. Created through the API; not started.
 */
export async function createWatchingAccount(
  app: App,
  fake: FakeDiscord,
  authorization: string,
  options: { label?: string; items?: string[]; rules?: Record<string, unknown> } = {},
): Promise<WatchingAccount> {
  const { bot, user: pal } = botWithUser(fake, 'pal');
  const post = async (url: string, payload: object) => {
    const res = await app.inject({ method: 'POST', url, headers: { authorization }, payload });
    if (res.statusCode !== 201) throw new Error(`POST ${url} → ${res.statusCode} ${res.body}`);
    return res.json<{ id: string }>().id;
  };
  const id = await post('/api/accounts', {
    label: options.label ?? 'watching bot',
    token: bot.token,
    settings: {
      content: { providers: [{ kind: 'static', weight: 1, items: options.items ?? ['https://example.com/cat.png'] }] },
      defaultRules: options.rules ?? { triggers: [{ kinds: ['activity:start'] }] },
    },
  });
  const friendId = await post(`/api/accounts/${id}/friends`, { discordUserId: pal.id });
  return { id, bot, pal, friendId };
}

/** The pipeline's next outcome for the account that `match` accepts (every one by default). */
export function nextOutcome(app: App, accountId: string, match: (o: DeliveryOutcome) => boolean = () => true): Promise<DeliveryOutcome> {
  return new Promise((resolve) => {
    const on = (o: DeliveryOutcome) => {
      if (o.accountId !== accountId || !match(o)) return;
      app.pipeline.off('outcome', on);
      resolve(o);
    };
    app.pipeline.on('outcome', on);
  });
}
