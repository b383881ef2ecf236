import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { FakeDiscordError } from '../errors.js';
import type { PrivilegedIntentName } from '../intents.js';
import type { RateLimitInjection } from '../rate-limits.js';
import type { FakeStats, MessageFilter, MessageRecord, PresenceInput } from '../records.js';
import {
  CreateBot,
  CreateGuild,
  CreateUser,
  Disconnect,
  HeartbeatAck,
  IdParams,
  InjectRateLimit,
  MessagesQuery,
  SetPresence,
} from './schemas.js';

/** The in-process verbs the control API exposes over HTTP (FakeDiscord implements them). */
export interface ControlTarget {
  createBot(opts?: { username?: string; grantedIntents?: PrivilegedIntentName[] }): { id: string; token: string; username: string };
  createUser(opts: { username: string }): { id: string };
  createGuild(opts: { name?: string; botIds: string[]; userIds: string[] }): { id: string; channelId: string };
  setPresence(userId: string, presence: PresenceInput): { deliveredTo: number };
  messages(filter?: MessageFilter): MessageRecord[];
  disconnectBot(botId: string, code?: number): { closed: number };
  setHeartbeatAck(botId: string, ack: boolean): void;
  injectRateLimit(opts: RateLimitInjection): void;
  stats(): FakeStats;
  reset(): void;
}

const OK = { ok: true } as const;

/** `/_fake/...`: the control API used by tests, the demo and the load harness. JSON in and out. */
export function controlRoutes(target: ControlTarget): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<TypeBoxTypeProvider>();

    // Bodies are optional on several calls; no body validates as {}.
    app.addHook('preValidation', async (request) => {
      if (request.body === undefined || request.body === null) request.body = {};
    });

    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof FakeDiscordError) {
        const status = error.code === 'INVALID_ARGUMENT' ? 400 : 404;
        return reply.code(status).send({ statusCode: status, code: error.code, error: status === 400 ? 'Bad Request' : 'Not Found', message: error.message });
      }
      const status = error.statusCode ?? 500;
      if (status >= 500) request.log.error({ err: error }, 'fake Discord control call failed');
      return reply.code(status).send({ statusCode: status, code: error.code, error: status >= 500 ? 'Internal Server Error' : 'Bad Request', message: error.message });
    });

    app.post('/bots', { schema: { body: CreateBot } }, async (request) => target.createBot(request.body));

    app.post('/users', { schema: { body: CreateUser } }, async (request) => target.createUser(request.body));

    app.post('/guilds', { schema: { body: CreateGuild } }, async (request) => target.createGuild(request.body));

    app.put('/users/:id/presence', { schema: { params: IdParams, body: SetPresence } }, async (request) =>
      target.setPresence(request.params.id, request.body),
    );

    app.get('/messages', { schema: { querystring: MessagesQuery } }, async (request) => target.messages(request.query));

    app.post('/bots/:id/disconnect', { schema: { params: IdParams, body: Disconnect } }, async (request) =>
      target.disconnectBot(request.params.id, request.body.code),
    );

    app.post('/bots/:id/heartbeats', { schema: { params: IdParams, body: HeartbeatAck } }, async (request) => {
      target.setHeartbeatAck(request.params.id, request.body.ack);
      return OK;
    });

    app.post('/ratelimit', { schema: { body: InjectRateLimit } }, async (request) => {
      target.injectRateLimit(request.body);
      return OK;
    });

    app.get('/stats', async () => target.stats());

    app.post('/reset', async () => {
      target.reset();
      return OK;
    });
  };
}
