import { Client, type ClientOptions, Options, type RateLimitData } from 'discord.js';
import { nodeHttpRequest } from './node-http-request.js';
import { type InvalidAnswerHandler, reportInvalidAnswers } from './rest-watch.js';
import type { BuildStrategy } from './session-resume.js';

export interface ClientFactoryOptions {
  intents: number;
  /** REST base ending in `/api` (a fake Discord); absent → the real Discord. */
  apiUrl?: string | undefined;
  /**
   * A rate-limit wait longer than this fails the request at once instead of sleeping through
   * it, since nobody waits for the answer that long (discord.js would wait any time).
   */
  maxRateLimitWaitMs: number;
  /** Told of every 401/403/429 answer (Discord's invalid-request budget). */
  invalidAnswer: InvalidAnswerHandler;
  /** A sharding strategy of the worker's own (to resume a handed-over session). */
  buildStrategy?: BuildStrategy | undefined;
}

/** Keeps only the bot's own entry: discord.js needs it, the worker needs nobody else's. */
const onlySelf = { maxSize: 0, keepOverLimit: (x: { id: string; client: Client }) => x.id === x.client.user?.id };

/**
 * Caches the worker can do without. It reads presences from the raw gateway payloads and sends
 * messages by REST, so it caches no users, members, presences or messages; managers discord.js
 * forbids limiting (guilds, channels, roles, permission overwrites) are left alone.
 */
const CACHE_LIMITS = {
  ApplicationCommandManager: 0,
  ApplicationEmojiManager: 0,
  AutoModerationRuleManager: 0,
  BaseGuildEmojiManager: 0,
  DMMessageManager: 0,
  EntitlementManager: 0,
  GuildBanManager: 0,
  GuildEmojiManager: 0,
  GuildForumThreadManager: 0,
  GuildInviteManager: 0,
  GuildMemberManager: onlySelf,
  GuildMessageManager: 0,
  GuildScheduledEventManager: 0,
  GuildStickerManager: 0,
  GuildTextThreadManager: 0,
  MessageManager: 0,
  PresenceManager: 0,
  ReactionManager: 0,
  ReactionUserManager: 0,
  StageInstanceManager: 0,
  ThreadManager: 0,
  ThreadMemberManager: 0,
  UserManager: onlySelf,
  VoiceStateManager: 0,
} as const satisfies Parameters<typeof Options.cacheWithLimits>[0];

export function createDiscordClient({ intents, apiUrl, maxRateLimitWaitMs, invalidAnswer, buildStrategy }: ClientFactoryOptions): Client {
  const options: ClientOptions = {
    intents,
    makeCache: Options.cacheWithLimits(CACHE_LIMITS),
    // Nothing cached can go stale except threads, which guild channels still hold.
    sweepers: { threads: { interval: 3600, lifetime: 14400 } },
    ...(buildStrategy && { ws: { buildStrategy } }),
    rest: {
      ...(apiUrl && { api: apiUrl }),
      // node:http(s), not Node's fetch, whose loading costs every start (node-http-request.ts).
      makeRequest: reportInvalidAnswers(nodeHttpRequest, invalidAnswer),
      rejectOnRateLimit: (limit: RateLimitData) => limit.retryAfter > maxRateLimitWaitMs,
    },
  };
  return new Client(options);
}
