import type { Rule } from './rule-schema.js';

/**
 * The rule every friend starts from before account defaults and friend overrides are layered on:
 * a game or other activity starting, at most once an hour per friend.
 */
export const DEFAULT_RULE = {
  enabled: true,
  triggers: [{ kinds: ['activity:start'] }],
  cooldownSeconds: 3600,
  dailyCapPerFriend: 5,
  dailyCapPerAccount: 100,
} as const satisfies Rule;
