/**
 * What the demo sets up: people in the fake Discord, one bot and guild per account, and through
 * the server's API the accounts (content from the local gimme fixture, the shipped samples and a
 * static list), their friends with rules, all started and ready.
 */
import type { ApiClient, CreateAccountBody, CreateFriendBody } from './api-client.js';
import type { FakeDiscordClient } from '../../fake-discord/http-client.js';

export const DEMO_PEOPLE = ['ada', 'grace', 'linus', 'margaret', 'alan'] as const;

/** Each account watches this many people, starting at its own index. */
const FRIENDS_PER_ACCOUNT = 3;

export interface DemoPerson {
  name: string;
  discordUserId: string;
}

export interface DemoAccount {
  id: string;
  label: string;
  deliveryMode: 'dm' | 'channel';
  friends: DemoPerson[];
}

export interface DemoScenario {
  people: DemoPerson[];
  accounts: DemoAccount[];
}

export interface ScenarioOptions {
  api: ApiClient;
  fake: FakeDiscordClient;
  accounts: number;
  /** The gimme fixture's base URL; it also serves the sample images under `/media`. */
  fixtureUrl: string;
}

/**
 * Short cooldowns and no caps, so a presence change every second or so keeps deliveries coming.
 * Friends layer their own triggers over these account defaults.
 */
const ACCOUNT_RULES = {
  triggers: [{ kinds: ['activity:start'] }],
  cooldownSeconds: 5,
  dailyCapPerFriend: 0,
  dailyCapPerAccount: 0,
} satisfies NonNullable<NonNullable<CreateAccountBody['settings']>['defaultRules']>;

/** The rules of an account's first, second and third friend. */
const FRIEND_RULES: CreateFriendBody['rules'][] = [
  null,
  {
    triggers: [{ kinds: ['activity:start'], activityTypes: ['playing'] }, { kinds: ['online'] }],
    cooldownSeconds: 3,
  },
  {
    triggers: [
      { kinds: ['activity:start'], name: { match: 'regex', value: '^(Chess|Factorio|Celeste)$' } },
      { kinds: ['activity:start'], activityTypes: ['listening'] },
    ],
    cooldownSeconds: 2,
  },
];

function contentSettings(fixtureUrl: string): NonNullable<CreateAccountBody['settings']>['content'] {
  return {
    providers: [
      { kind: 'gimme', weight: 3, baseUrl: fixtureUrl, subreddits: ['memes', 'aww'] },
      // The fixture publishes the same folder, so local images go out as embeds.
      { kind: 'directory', weight: 1, path: 'sample-content', name: 'samples', publicBaseUrl: `${fixtureUrl}/media` },
      { kind: 'static', weight: 1, items: ['GG!', 'Nice pick.', 'Hydrate between rounds.'] },
    ],
    allowNsfw: false,
  };
}

/** Creates everything, starts every account, and resolves once all of them are `ready`. */
export async function setUpScenario(options: ScenarioOptions, signal: AbortSignal, readyTimeoutMs: number): Promise<DemoScenario> {
  const { api, fake } = options;
  const people: DemoPerson[] = [];
  for (const name of DEMO_PEOPLE) people.push({ name, discordUserId: (await fake.createUser({ username: name })).id });

  const accounts: DemoAccount[] = [];
  for (let i = 0; i < options.accounts; i++) {
    signal.throwIfAborted();
    accounts.push(await createAccount(options, people, i));
  }
  for (const account of accounts) await api.startAccount(account.id);
  await Promise.all(accounts.map((a) => waitUntilReady(api, a, signal, readyTimeoutMs)));
  return { people, accounts };
}

async function createAccount(options: ScenarioOptions, people: DemoPerson[], index: number): Promise<DemoAccount> {
  const { api, fake } = options;
  const label = `bot-${index + 1}`;
  const bot = await fake.createBot({ username: `demo-${label}` });
  const friends = Array.from({ length: FRIENDS_PER_ACCOUNT }, (_, k) => people[(index + k) % people.length] as DemoPerson);
  const guild = await fake.createGuild({
    name: `${label}'s server`,
    botIds: [bot.id],
    userIds: people.map((p) => p.discordUserId),
  });
  // Every third account posts in its server's channel instead of sending DMs.
  const deliveryMode = index % 3 === 2 ? 'channel' : 'dm';
  const account = await api.createAccount({
    label,
    token: bot.token,
    settings: {
      deliveryMode,
      ...(deliveryMode === 'channel' ? { channelId: guild.channelId } : {}),
      content: contentSettings(options.fixtureUrl),
      defaultRules: ACCOUNT_RULES,
    },
  });
  for (const [k, friend] of friends.entries()) {
    await api.createFriend(account.id, {
      discordUserId: friend.discordUserId,
      displayName: friend.name,
      rules: FRIEND_RULES[k % FRIEND_RULES.length] ?? null,
    });
  }
  return { id: account.id, label, deliveryMode, friends };
}

async function waitUntilReady(api: ApiClient, account: DemoAccount, signal: AbortSignal, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal.throwIfAborted();
    const { state, lastError } = await api.getAccount(account.id);
    if (state === 'ready') return;
    if (state === 'error' || state === 'crashed') {
      throw new Error(`${account.label} is ${state}${lastError ? `: ${lastError.code} ${lastError.message}` : ''}`);
    }
    if (Date.now() > deadline) throw new Error(`${account.label} was not ready after ${timeoutMs / 1000} s (${state})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
