import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LOG_LEVELS } from '../../events/account-logs.js';
import { errors, IdParams, IsoDate, Type } from '../common-schemas.js';

const Level = Type.Enum(LOG_LEVELS, { type: 'string' });

const LogsQuery = Type.Object({
  level: Type.Optional(Type.Enum(LOG_LEVELS, { type: 'string', description: 'Only lines at this level or above' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
});

const LogLine = Type.Object({
  at: IsoDate,
  level: Level,
  source: Type.Union([Type.Literal('worker'), Type.Literal('supervisor'), Type.Literal('pipeline')]),
  msg: Type.String(),
  fields: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

const LogsBody = Type.Object({ items: Type.Array(LogLine, { description: 'Oldest first' }) });

/** Registered under /accounts/:id. */
const logRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/logs',
    {
      schema: {
        tags: ['accounts'],
        summary: "The account's last log lines: its worker, the supervisor about it, its deliveries",
        description:
          'From a bounded ring in memory (1,000 lines per account, kept since the server started), at the server log level and above, secrets redacted. The same lines stream live as `log` events on GET /api/events.',
        security: [{ bearerAuth: [] }],
        params: IdParams,
        querystring: LogsQuery,
        response: { 200: LogsBody, ...errors(400, 401, 404, 429) },
      },
    },
    async (request) => {
      await app.accounts.find(request.user.sub, request.params.id);
      const lines = app.liveEvents.accountLogs.tail(request.params.id, request.query.limit, request.query.level);
      return { items: lines.map((l) => ({ ...l, at: new Date(l.at).toISOString() })) };
    },
  );
};

export default logRoutes;
