import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../common-schemas.js';
import { HealthBody, StatusBody } from './schemas.js';

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
};

export default systemRoutes;
