import { createHash } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { FAKE_DISCORD_DEFAULTS } from '../constants.js';
import type { FakeDiscordEvents } from '../events.js';
import { botUserObject, channelObject, guildObject, memberObject, messageObject, userObject } from '../payloads.js';
import { normalizeTemplate, type RateLimitInjector } from '../rate-limits.js';
import type { BotRecord, ChannelRecord } from '../records.js';
import type { FakeStore } from '../store.js';
import { tokenFromAuthorization } from '../tokens.js';
import { DiscordErrorCode, NOT_FOUND, sendDiscordError, UNAUTHORIZED, type DiscordErrorBody } from './discord-errors.js';
import { checkMessageBody, readMultipartMessage } from './message-body.js';

export interface DiscordRestDeps {
  store: FakeStore;
  rateLimits: RateLimitInjector;
  events: EventEmitter<FakeDiscordEvents>;
  /** ws://host:port, for GET /gateway(/bot). */
  gatewayUrl: () => string;
}

/** Registered under this prefix; rate-limit routes are matched relative to it. */
export const API_PREFIX = `/api/v${FAKE_DISCORD_DEFAULTS.apiVersion}`;
const MAX_ATTACHMENT_BODY_BYTES = 25 * 1024 * 1024;
const RATE_LIMIT_BUCKET_SIZE = '5';
const SESSION_START_RESET_MS = 14_400_000;
/** Routes real Discord serves without a token. */
const PUBLIC_ROUTES: ReadonlySet<string> = new Set([`${API_PREFIX}/gateway`]);

const UNKNOWN_USER: DiscordErrorBody = { message: 'Unknown User', code: DiscordErrorCode.UnknownUser };
const UNKNOWN_CHANNEL: DiscordErrorBody = { message: 'Unknown Channel', code: DiscordErrorCode.UnknownChannel };
const UNKNOWN_GUILD: DiscordErrorBody = { message: 'Unknown Guild', code: DiscordErrorCode.UnknownGuild };
const UNKNOWN_MEMBER: DiscordErrorBody = { message: 'Unknown Member', code: DiscordErrorCode.UnknownMember };
const MISSING_ACCESS: DiscordErrorBody = { message: 'Missing Access', code: DiscordErrorCode.MissingAccess };
const CANNOT_DM: DiscordErrorBody = {
  message: 'Cannot send messages to this user',
  code: DiscordErrorCode.CannotSendMessagesToThisUser,
};

interface ChannelParams {
  channelId: string;
}
interface GuildParams {
  guildId: string;
}

/**
 * Discord's REST API, as far as discord.js needs it to log in and deliver messages. Every answer
 * is JSON (errors too): without `Content-Type: application/json` discord.js sees an ArrayBuffer.
 */
export function discordRestRoutes(deps: DiscordRestDeps): FastifyPluginAsync {
  const { store, rateLimits, events } = deps;
  const botOf = new WeakMap<FastifyRequest, BotRecord>();

  function requestBot(request: FastifyRequest): BotRecord {
    const bot = botOf.get(request);
    if (!bot) throw new Error('route ran without the auth hook');
    return bot;
  }

  /** The channel if this bot can see it, else the error to answer with. */
  function accessibleChannel(bot: BotRecord, channelId: string): ChannelRecord | { status: number; error: DiscordErrorBody } {
    const channel = store.channel(channelId);
    if (!channel) return { status: 404, error: UNKNOWN_CHANNEL };
    if (channel.kind === 'dm') return channel.botId === bot.id ? channel : { status: 404, error: UNKNOWN_CHANNEL };
    return store.isMember(channel.guildId, bot.id) ? channel : { status: 403, error: MISSING_ACCESS };
  }

  return async (app) => {
    app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: MAX_ATTACHMENT_BODY_BYTES }, (request, raw, done) => {
      readMultipartMessage(raw as Buffer, request.headers['content-type'] ?? '').then(
        (parsed) => done(null, parsed),
        (err: Error) => done(Object.assign(err, { statusCode: 400 })),
      );
    });

    app.addHook('onRequest', async (request, reply) => {
      if (PUBLIC_ROUTES.has(request.routeOptions.url ?? '')) return;
      const bot = store.botByToken(tokenFromAuthorization(request.headers.authorization) ?? '');
      if (!bot) return sendDiscordError(reply, 401, UNAUTHORIZED);
      botOf.set(request, bot);
      const template = request.routeOptions.url;
      if (template === undefined) return;
      const path = (request.url.split('?')[0] ?? '').slice(API_PREFIX.length);
      const route = template.slice(API_PREFIX.length);
      const retryAfter = rateLimits.take({ botId: bot.id, method: request.method, path, template: route });
      if (retryAfter === null) return;
      events.emit('rateLimited', { botId: bot.id, method: request.method, path, retryAfter });
      return sendRateLimited(reply, request.method, route, retryAfter);
    });

    app.setNotFoundHandler((_request, reply) => sendDiscordError(reply, 404, NOT_FOUND));

    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error.validation) {
        return sendDiscordError(reply, 400, { message: 'Invalid Form Body', code: DiscordErrorCode.InvalidFormBody });
      }
      if (error.statusCode === 413) {
        return sendDiscordError(reply, 413, { message: 'Request entity too large', code: DiscordErrorCode.RequestEntityTooLarge });
      }
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return sendDiscordError(reply, 400, { message: 'The request body contains invalid JSON.', code: DiscordErrorCode.InvalidJson });
      }
      request.log.error({ err: error }, 'fake Discord REST handler failed');
      return sendDiscordError(reply, 500, { message: '500: Internal Server Error', code: DiscordErrorCode.General });
    });

    app.get('/gateway', async () => ({ url: deps.gatewayUrl() }));

    app.get('/gateway/bot', async () => ({
      url: deps.gatewayUrl(),
      shards: 1,
      session_start_limit: {
        total: FAKE_DISCORD_DEFAULTS.sessionStartLimitTotal,
        remaining: FAKE_DISCORD_DEFAULTS.sessionStartLimitTotal,
        reset_after: SESSION_START_RESET_MS,
        max_concurrency: 1,
      },
    }));

    app.get('/applications/@me', async (request) => {
      const bot = requestBot(request);
      return { id: bot.id, name: bot.username, icon: null, description: '', bot_public: true, bot_require_code_grant: false, flags: 0, bot: userObject(bot) };
    });

    app.get('/users/@me', async (request) => botUserObject(requestBot(request)));

    // Partial guilds, sorted by id and paged like Discord's (`after`, `limit` up to 200).
    app.get<{ Querystring: { after?: string; limit?: string } }>('/users/@me/guilds', async (request) => {
      const { after, limit } = request.query;
      const max = Math.min(Math.max(Number(limit) || 200, 1), 200);
      const from = after !== undefined && /^\d{1,20}$/.test(after) ? BigInt(after) : -1n;
      return store
        .guildsOf(requestBot(request).id)
        .filter((guild) => BigInt(guild.id) > from)
        .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
        .slice(0, max)
        .map((guild) => ({ id: guild.id, name: guild.name, icon: null, owner: false, permissions: '0', features: [] }));
    });

    app.get<{ Params: { userId: string } }>('/users/:userId', async (request, reply) => {
      const member = store.user(request.params.userId) ?? store.bot(request.params.userId);
      return member ? userObject(member) : sendDiscordError(reply, 404, UNKNOWN_USER);
    });

    app.post<{ Body: { recipient_id?: unknown } }>('/users/@me/channels', async (request, reply) => {
      const recipientId = request.body?.recipient_id;
      if (typeof recipientId !== 'string') {
        return sendDiscordError(reply, 400, { message: 'Invalid Form Body', code: DiscordErrorCode.InvalidFormBody });
      }
      if (!store.user(recipientId)) return sendDiscordError(reply, 404, UNKNOWN_USER);
      return channelObject(store.openDmChannel(requestBot(request).id, recipientId), store);
    });

    app.get<{ Params: ChannelParams }>('/channels/:channelId', async (request, reply) => {
      const channel = accessibleChannel(requestBot(request), request.params.channelId);
      return 'kind' in channel ? channelObject(channel, store) : sendDiscordError(reply, channel.status, channel.error);
    });

    app.post<{ Params: ChannelParams; Body: unknown }>(
      '/channels/:channelId/messages',
      { bodyLimit: MAX_ATTACHMENT_BODY_BYTES },
      async (request, reply) => {
        const bot = requestBot(request);
        const channel = accessibleChannel(bot, request.params.channelId);
        if (!('kind' in channel)) return sendDiscordError(reply, channel.status, channel.error);
        if (channel.kind === 'dm' && !store.sharesGuild(bot.id, channel.recipientId)) {
          return sendDiscordError(reply, 403, CANNOT_DM);
        }
        const multipart = isMultipart(request);
        const body = multipart ? (request.body as { body: unknown }).body : request.body;
        const fileCount = multipart ? (request.body as { fileCount: number }).fileCount : 0;
        const check = checkMessageBody(body, fileCount);
        if (!check.ok) return sendDiscordError(reply, 400, check.error);
        const record = store.addMessage({
          botId: bot.id,
          channelId: channel.id,
          ...(channel.kind === 'dm' ? { recipientId: channel.recipientId } : {}),
          content: check.message.content,
          embeds: check.message.embeds,
        });
        events.emit('message', record);
        return messageObject(record, bot, channel.kind === 'text' ? channel.guildId : undefined);
      },
    );

    app.get<{ Params: GuildParams }>('/guilds/:guildId', async (request, reply) => {
      const guild = store.guild(request.params.guildId);
      if (!guild || !store.isMember(guild.id, requestBot(request).id)) return sendDiscordError(reply, 404, UNKNOWN_GUILD);
      return guildObject(guild);
    });

    app.get<{ Params: GuildParams }>('/guilds/:guildId/channels', async (request, reply) => {
      const guild = store.guild(request.params.guildId);
      if (!guild || !store.isMember(guild.id, requestBot(request).id)) return sendDiscordError(reply, 404, UNKNOWN_GUILD);
      const channel = store.channel(guild.channelId);
      return channel ? [channelObject(channel, store)] : [];
    });

    app.get<{ Params: GuildParams & { userId: string } }>('/guilds/:guildId/members/:userId', async (request, reply) => {
      const guild = store.guild(request.params.guildId);
      if (!guild || !store.isMember(guild.id, requestBot(request).id)) return sendDiscordError(reply, 404, UNKNOWN_GUILD);
      const { userId } = request.params;
      const member = store.isMember(guild.id, userId) ? (store.user(userId) ?? store.bot(userId)) : undefined;
      return member ? memberObject(member, guild.joinedAt) : sendDiscordError(reply, 404, UNKNOWN_MEMBER);
    });
  };
}

function isMultipart(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').startsWith('multipart/form-data');
}

/** A 429 with every header discord.js reads, so it waits `retryAfter` seconds and retries. */
function sendRateLimited(reply: FastifyReply, method: string, route: string, retryAfter: number): FastifyReply {
  const seconds = String(retryAfter);
  const bucket = createHash('sha1').update(`${method} ${normalizeTemplate(route)}`).digest('hex').slice(0, 16);
  return reply
    .code(429)
    .headers({
      'retry-after': seconds,
      'x-ratelimit-limit': RATE_LIMIT_BUCKET_SIZE,
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset-after': seconds,
      'x-ratelimit-reset': ((Date.now() / 1000) + retryAfter).toFixed(3),
      'x-ratelimit-bucket': bucket,
      'x-ratelimit-scope': 'user',
    })
    .type('application/json')
    .send({ message: 'You are being rate limited.', retry_after: retryAfter, global: false });
}
