/**
 * A fake Discord (REST + gateway on one local HTTP server) that unmodified discord.js 14 logs in
 * to, plus a control API for tests, the demo and the load harness. See docs/fake-discord.md.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { FAKE_DISCORD_DEFAULTS } from './constants.js';
import { controlRoutes, type ControlTarget } from './control/routes.js';
import type { FakeDiscordEvents } from './events.js';
import { Gateway } from './gateway/gateway.js';
import { Intent, type PrivilegedIntentName } from './intents.js';
import { guildCreatePayload, presenceObject } from './payloads.js';
import { RateLimitInjector, type RateLimitInjection } from './rate-limits.js';
import type { FakeStats, MessageFilter, MessageRecord, PresenceInput } from './records.js';
import { API_PREFIX, discordRestRoutes } from './rest/discord-routes.js';
import { SnowflakeGenerator } from './snowflake.js';
import { FakeStore } from './store.js';

export { FakeDiscordError } from './errors.js';
export type { FakeDiscordEvents } from './events.js';
export type { PrivilegedIntentName } from './intents.js';
export type { RateLimitInjection } from './rate-limits.js';
export type { ActivityInput, FakeStats, MessageFilter, MessageRecord, PresenceInput, PresenceStatus } from './records.js';
export { snowflakeTimestamp } from './snowflake.js';

export interface FakeDiscordOptions {
  /** @defaultValue 0 (a free port) */
  port?: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** HELLO's heartbeat_interval; tests use ~1000 so zombie detection takes seconds. @defaultValue 41250 */
  heartbeatIntervalMs?: number;
  /** @defaultValue a silent logger */
  logger?: Logger;
  /** How long a dropped session stays resumable. @defaultValue 300000 */
  resumeWindowMs?: number;
  /** Dispatches kept per session for RESUME. @defaultValue 1000 */
  replayBufferSize?: number;
}

type Counters = Omit<FakeStats, 'connections' | 'messages'>;

function zeroCounters(): Counters {
  return { identifies: 0, resumes: 0, resumesRefused: 0, dispatches: 0, presenceUpdates: 0, maxSessionsPerBot: 0 };
}

export class FakeDiscord extends EventEmitter<FakeDiscordEvents> implements ControlTarget {
  readonly #app: FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>;
  readonly #store = new FakeStore(new SnowflakeGenerator());
  readonly #rateLimits = new RateLimitInjector();
  readonly #counters = zeroCounters();
  readonly #gateway: Gateway;
  readonly #logger: Logger;
  #url = '';
  #closed: Promise<void> | null = null;

  /** Starts the HTTP server (REST, gateway and control API) and resolves once it listens. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    try {
      await fake.#listen(options.host ?? FAKE_DISCORD_DEFAULTS.host, options.port ?? FAKE_DISCORD_DEFAULTS.port);
    } catch (err) {
      await fake.close();
      throw err;
    }
    return fake;
  }

  private constructor(options: FakeDiscordOptions) {
    super();
    this.#logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'fake-discord' });
    const heartbeatIntervalMs = options.heartbeatIntervalMs ?? FAKE_DISCORD_DEFAULTS.heartbeatIntervalMs;
    this.#app = Fastify({
      loggerInstance: this.#logger,
      // The load harness makes ~1,000 calls a second; per-request lines would drown the log.
      logController: new LogController({ disableRequestLogging: true }),
      forceCloseConnections: true,
    });
    this.#acceptEmptyJsonBodies();
    const gatewayUrl = (): string => this.url.replace(/^http/, 'ws');
    this.#gateway = new Gateway(this.#app.server, {
      store: this.#store,
      stats: this.#counters,
      events: this,
      logger: this.#logger,
      gatewayUrl,
      options: {
        heartbeatIntervalMs,
        heartbeatTimeoutMs: heartbeatIntervalMs * 2 + FAKE_DISCORD_DEFAULTS.heartbeatGraceMs,
        resumeWindowMs: options.resumeWindowMs ?? FAKE_DISCORD_DEFAULTS.resumeWindowMs,
        replayBufferSize: options.replayBufferSize ?? FAKE_DISCORD_DEFAULTS.replayBufferSize,
        maxFrameBytes: FAKE_DISCORD_DEFAULTS.maxFrameBytes,
      },
    });
    void this.#app.register(
      discordRestRoutes({ store: this.#store, rateLimits: this.#rateLimits, events: this, gatewayUrl }),
      { prefix: API_PREFIX },
    );
    void this.#app.register(controlRoutes(this), { prefix: '/_fake' });
    this.#app.get('/', async () => ({ name: 'fake-discord', apiUrl: this.apiUrl, gatewayUrl: gatewayUrl() }));
  }

  /** `http://127.0.0.1:PORT`. */
  get url(): string {
    return this.#url;
  }

  /** REST base for discord.js's `rest.api` and the server's DISCORD_API_URL. */
  get apiUrl(): string {
    return `${this.#url}/api`;
  }

  /** A bot; `grantedIntents` lists the privileged intents it may use (default both). */
  createBot(opts: { username?: string; grantedIntents?: PrivilegedIntentName[] } = {}): {
    id: string;
    token: string;
    username: string;
  } {
    const bot = this.#store.createBot(opts);
    return { id: bot.id, token: bot.token, username: bot.username };
  }

  createUser(opts: { username: string }): { id: string } {
    return { id: this.#store.createUser(opts).id };
  }

  /** A guild with one `general` text channel; connected member bots get GUILD_CREATE. */
  createGuild(opts: { name?: string; botIds: string[]; userIds: string[] }): { id: string; channelId: string } {
    const guild = this.#store.createGuild(opts);
    for (const botId of guild.botIds) {
      this.#gateway.dispatchEach(botId, 'GUILD_CREATE', (session) =>
        JSON.stringify(guildCreatePayload(guild, this.#store, botId, session.intents)),
      );
    }
    return { id: guild.id, channelId: guild.channelId };
  }

  /**
   * Sets a user's presence and sends PRESENCE_UPDATE (one per shared guild) to every bot session
   * with GuildPresences, live or waiting to resume. `deliveredTo` counts those bots.
   */
  setPresence(userId: string, presence: PresenceInput): { deliveredTo: number } {
    const user = this.#store.setPresence(userId, presence);
    const delivered = new Set<string>();
    for (const guild of this.#store.guildsOf(user.id)) {
      const d = JSON.stringify(presenceObject(user.id, user.presence, guild.id));
      for (const botId of guild.botIds) {
        const queued = this.#gateway.dispatchToBot(botId, 'PRESENCE_UPDATE', d, Intent.GuildPresences);
        this.#counters.presenceUpdates += queued;
        if (queued > 0) delivered.add(botId);
      }
    }
    return { deliveredTo: delivered.size };
  }

  /** Messages bots sent, oldest first. */
  messages(filter: MessageFilter = {}): MessageRecord[] {
    return this.#store.messages(filter);
  }

  /** Closes the bot's gateway sockets: with `code`, or (default) as a network drop it resumes from. */
  disconnectBot(botId: string, code?: number): { closed: number } {
    this.#store.requireBot(botId);
    return { closed: this.#gateway.disconnectBot(botId, code) };
  }

  /** `false` stops answering the bot's heartbeats (discord.js then reconnects and resumes). */
  setHeartbeatAck(botId: string, ack: boolean): void {
    this.#store.setHeartbeatAck(botId, ack);
  }

  /** The next `count` matching REST calls answer 429 with Retry-After `retryAfter` seconds. */
  injectRateLimit(opts: RateLimitInjection): void {
    if (opts.botId !== undefined) this.#store.requireBot(opts.botId);
    this.#rateLimits.inject(opts);
  }

  stats(): FakeStats {
    return {
      connections: this.#gateway.connectionCount,
      identifies: this.#counters.identifies,
      resumes: this.#counters.resumes,
      resumesRefused: this.#counters.resumesRefused,
      dispatches: this.#counters.dispatches,
      presenceUpdates: this.#counters.presenceUpdates,
      messages: this.#store.messageCount,
      maxSessionsPerBot: this.#counters.maxSessionsPerBot,
    };
  }

  /** Forgets bots, users, guilds, messages, sessions, injected 429s and counters; drops sockets. */
  reset(): void {
    this.#gateway.reset();
    this.#store.clear();
    this.#rateLimits.clear();
    Object.assign(this.#counters, zeroCounters());
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#gateway.close();
      await this.#app.close();
    })();
    return this.#closed;
  }

  async #listen(host: string, port: number): Promise<void> {
    await this.#app.listen({ host, port });
    const address = this.#app.server.address();
    if (address === null || typeof address === 'string') throw new Error('fake Discord did not get a TCP port');
    const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    this.#url = `http://${urlHost}:${address.port}`;
  }

  /** Control calls such as POST /_fake/reset are often sent with a JSON content type and no body. */
  #acceptEmptyJsonBodies(): void {
    const parseJson = this.#app.getDefaultJsonParser('error', 'ignore');
    this.#app.removeContentTypeParser('application/json');
    this.#app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') {
        done(null, undefined);
        return;
      }
      void parseJson(request, text, done);
    });
  }
}
