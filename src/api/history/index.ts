import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors, IdParams, type Static } from '../common-schemas.js';
import { type ActivityEntry, ActivityPage, ActivityQuery, type ContentEntry, ContentPage, ContentQuery } from './schemas.js';

const security = [{ bearerAuth: [] }];

// The service reads validated documents; the stored enums are the schema's.
const presentActivity = <T extends { kind: string; at: Date }>(r: T) =>
  ({ ...r, at: r.at.toISOString() }) as Static<typeof ActivityEntry>;
const presentContent = <T extends { status: string; at: Date }>(r: T) =>
  ({ ...r, at: r.at.toISOString() }) as Static<typeof ContentEntry>;

/** Registered under /accounts/:id. Newest first, cursor pagination (`nextCursor`). */
const historyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/activity',
    {
      schema: {
        tags: ['history'],
        summary: "What the account's friends did, newest first",
        description: 'Entries expire after ACTIVITY_RETENTION_DAYS.',
        security,
        params: IdParams,
        querystring: ActivityQuery,
        response: { 200: ActivityPage, ...errors(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const page = await app.history.activity(request.user.sub, request.params.id, request.query);
      return { items: page.items.map(presentActivity), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/content-history',
    {
      schema: {
        tags: ['history'],
        summary: 'What the account sent (or failed to send), newest first',
        security,
        params: IdParams,
        querystring: ContentQuery,
        response: { 200: ContentPage, ...errors(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const page = await app.history.content(request.user.sub, request.params.id, request.query);
      return { items: page.items.map(presentContent), nextCursor: page.nextCursor };
    },
  );
};

export default historyRoutes;
