import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BadRequestError } from '../../services/errors.js';
import { errors } from '../common-schemas.js';
import { HealthBody, HistoryBody, HistoryQuery, StatusBody } from './schemas.js';

const systemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and database reachability (public)',
        response: { 200: HealthBody, 503: HealthBody },
      },
    },
    async (_request, reply) => {
      const up = await app.db.isUp();
      return reply.status(up ? 200 : 503).send({ status: up ? 'ok' : 'degraded', db: up ? 'up' : 'down' });
    },
  );

  app.get(
    '/status',
    {
      onRequest: [app.authenticate],
      schema: {
        tags: ['system'],
        summary: "Server status; the caller's accounts by state (admins: every worker)",
        security: [{ bearerAuth: [] }],
        response: { 200: StatusBody, ...errors(401) },
      },
    },
    async (request) => app.system.status(request.user),
  );

  app.get(
    '/status/history',
    {
      onRequest: [app.authenticate, app.requireAdmin],
      schema: {
        tags: ['system'],
        summary: 'Server figures over time (admins): the SystemMetrics samples of a time range',
        description: 'One sample per METRICS_INTERVAL_MS (5 s by default), kept METRICS_RETENTION_DAYS. `from` inclusive, `to` exclusive; at most `limit` samples, the newest of the range, oldest first.',
        security: [{ bearerAuth: [] }],
        querystring: HistoryQuery,
        response: { 200: HistoryBody, ...errors(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const to = request.query.to ? new Date(request.query.to) : new Date();
      const from = request.query.from ? new Date(request.query.from) : new Date(to.getTime() - 3_600_000);
      if (from > to) throw new BadRequestError('INVALID_RANGE', '`from` must not be after `to`');
      const items = await app.system.history(from, to, request.query.limit);
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        items: items.map((s) => ({ ...s, at: s.at.toISOString() })),
      };
    },
  );
};

export default systemRoutes;
