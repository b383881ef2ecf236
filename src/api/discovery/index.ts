import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors, IdParams } from '../common-schemas.js';
import { GuildPage, GuildParams, GuildsQuery, InviteBody, MemberPage, MembersQuery } from './schemas.js';

const security = [{ bearerAuth: [] }];

/** Registered under /accounts/:id: what the bot can reach, so users pick friends instead of pasting ids. */
const discoveryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/invite-url',
    {
      schema: {
        tags: ['discovery'],
        summary: "The OAuth2 URL that adds the account's bot to a server",
        description:
          'With the `bot` scope and the permissions the bot needs (view channels, send messages, embed links), and the privileged intents to turn on. 409 `BOT_ID_UNKNOWN` when neither Discord nor the token tells the bot id.',
        security,
        params: IdParams,
        response: { 200: InviteBody, ...errors(401, 404, 409, 429) },
      },
    },
    async (request) => app.accounts.invite(request.user.sub, request.params.id),
  );

  app.get(
    '/guilds',
    {
      schema: {
        tags: ['discovery'],
        summary: "The servers the account's bot is in",
        description: 'Asked of the running worker (cached 30 s). 409 `WORKER_NOT_READY` unless the account is running and ready.',
        security,
        params: IdParams,
        querystring: GuildsQuery,
        response: { 200: GuildPage, ...errors(400, 401, 404, 409, 429, 503) },
      },
    },
    async (request) => {
      const { id } = request.params;
      await app.accounts.find(request.user.sub, id);
      return app.discovery.guilds(id, request.query.limit, request.query.cursor);
    },
  );

  app.get(
    '/guilds/:guildId/members',
    {
      schema: {
        tags: ['discovery'],
        summary: 'Members of one of those servers, to pick friends from',
        description:
          'Up to 100 members whose username or nickname starts with `query` (everyone for an empty query), paged, asked of the worker over the gateway (cached 30 s). `watched` marks the ones already friends. Narrow with `query` in a large server. 404 when the bot is not in that server; 409 `WORKER_NOT_READY`.',
        security,
        params: GuildParams,
        querystring: MembersQuery,
        response: { 200: MemberPage, ...errors(400, 401, 404, 409, 429, 503) },
      },
    },
    async (request) => {
      const { id, guildId } = request.params;
      await app.accounts.find(request.user.sub, id);
      const { query, limit, cursor } = request.query;
      const found = await app.discovery.members(id, guildId, query, limit, cursor);
      const items = await Promise.all(
        found.items.map(async (m) => ({ ...m, watched: (await app.friendDirectory.get(id, m.id)) !== undefined })),
      );
      return { items, nextCursor: found.nextCursor };
    },
  );
};

export default discoveryRoutes;
