/**
 * What `npm run seed` writes: one development user, two stopped accounts with placeholder
 * tokens, and their friends. Checked against the API's own schemas and the content and rule
 * validators before anything is written, so the seeded data is exactly what the API accepts.
 */
import type { Static, TSchema } from 'typebox';
import Value from 'typebox/value';
import { AccountSettingsInput, BotToken } from '../../src/domain/account.js';
import { CreateFriend } from '../../src/api/friends/schemas.js';
import { type ContentConfig, parseContentConfig } from '../../src/services/content/index.js';
import { parseRuleOverride } from '../../src/services/rules/index.js';

export interface SeedFriend {
  discordUserId: string;
  displayName: string;
  /** Layered over the account's `defaultRules`; null inherits them all. */
  rules: Static<typeof CreateFriend>['rules'];
}

export interface SeedAccount {
  /** Unique per owner in the seed: the key `find-or-create` looks accounts up by. */
  label: string;
  /** Shape-valid, but no Discord accepts it: replace it (PUT /api/accounts/:id) to run the bot. */
  token: string;
  settings: Static<typeof AccountSettingsInput> & { content: ContentConfig };
  friends: SeedFriend[];
}

export interface SeedData {
  user: { email: string; password: string };
  accounts: SeedAccount[];
}

/** The development login. Documented in docs/demo.md; never use it outside development. */
export const DEV_USER = { email: 'dev@example.com', password: 'dev-password-123' } as const;

export const SEED_DATA: SeedData = {
  user: DEV_USER,
  accounts: [
    {
      label: 'Dev bot: memes by DM',
      token: 'U0VFRC1ERVYtQk9ULU9ORQ.seed01.placeholder-not-a-real-token-1',
      settings: {
        deliveryMode: 'dm',
        content: {
          providers: [
            // Resolved inside CONTENT_DIR (default ./assets): the samples shipped with the repo.
            { kind: 'directory', weight: 2, path: 'sample-content', name: 'samples' },
            { kind: 'static', weight: 1, items: ['GG!', 'Have fun out there.', 'https://example.com/gg.gif'] },
          ],
          allowNsfw: false,
        },
        defaultRules: {
          triggers: [{ kinds: ['activity:start'] }],
          cooldownSeconds: 600,
          dailyCapPerFriend: 10,
        },
      },
      friends: [
        {
          discordUserId: '100000000000000001',
          displayName: 'Sam',
          rules: { triggers: [{ kinds: ['activity:start'], activityTypes: ['playing'] }] },
        },
        {
          discordUserId: '100000000000000002',
          displayName: 'Alex',
          rules: {
            triggers: [
              { kinds: ['activity:start'], activityTypes: ['listening'], name: { match: 'substring', value: 'lofi' } },
            ],
            cooldownSeconds: 1800,
          },
        },
      ],
    },
    {
      label: 'Dev bot: quotes in a channel',
      token: 'U0VFRC1ERVYtQk9ULVRXTw.seed02.placeholder-not-a-real-token-2',
      settings: {
        deliveryMode: 'channel',
        channelId: '100000000000000100',
        content: {
          providers: [
            {
              kind: 'static',
              weight: 1,
              name: 'quotes',
              items: ['Stay hydrated.', 'Touch grass, then come back.', 'One more game? Sure.'],
            },
          ],
          allowNsfw: false,
        },
        defaultRules: { cooldownSeconds: 3600 },
      },
      friends: [
        {
          discordUserId: '100000000000000003',
          displayName: 'Kim',
          rules: { quietHours: { start: '23:00', end: '08:00', timeZone: 'Europe/Paris' } },
        },
      ],
    },
  ],
};

/** Raised when the seed data would not pass the API's validation; lists every problem. */
export class SeedDataError extends Error {
  override name = 'SeedDataError';
  constructor(readonly problems: string[]) {
    super(`invalid seed data:\n  ${problems.join('\n  ')}`);
  }
}

function schemaProblems(where: string, schema: TSchema, value: unknown): string[] {
  return [...Value.Errors(schema, value)].map((e) => `${where}${e.instancePath}: ${e.message}`);
}

function semanticProblems(where: string, check: () => unknown): string[] {
  try {
    check();
    return [];
  } catch (err) {
    return [`${where}: ${(err as Error).message}`];
  }
}

/** Every reason the API would refuse this data (schemas, content config, rules); empty if none. */
export function seedDataProblems(data: SeedData): string[] {
  const problems: string[] = [];
  const labels = new Set<string>();
  for (const [i, account] of data.accounts.entries()) {
    const at = `accounts[${i}]`;
    if (labels.has(account.label)) problems.push(`${at}.label: "${account.label}" is used twice`);
    labels.add(account.label);
    problems.push(...schemaProblems(`${at}.token`, BotToken, account.token));
    problems.push(...schemaProblems(`${at}.settings`, AccountSettingsInput, account.settings));
    problems.push(...semanticProblems(`${at}.settings.content`, () => parseContentConfig(account.settings.content)));
    if (account.settings.defaultRules) {
      const rules = account.settings.defaultRules;
      problems.push(...semanticProblems(`${at}.settings.defaultRules`, () => parseRuleOverride(rules)));
    }
    if (account.settings.deliveryMode === 'channel' && !account.settings.channelId) {
      problems.push(`${at}.settings.channelId: required when deliveryMode is "channel"`);
    }
    for (const [j, friend] of account.friends.entries()) {
      problems.push(...schemaProblems(`${at}.friends[${j}]`, CreateFriend, friend));
      if (friend.rules) {
        const rules = friend.rules;
        problems.push(...semanticProblems(`${at}.friends[${j}].rules`, () => parseRuleOverride(rules)));
      }
    }
  }
  return problems;
}
