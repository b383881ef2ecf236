import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { VERSION } from '../config/version.js';

/** OpenAPI 3 document generated from the route schemas; Swagger UI at /docs. */
export default fp(
  async function swagger(app: FastifyInstance) {
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'discord-auto-content',
          description: 'Runs Discord bot accounts that send watched friends content when their activity matches rules.',
          version: VERSION,
        },
        tags: [
          { name: 'auth', description: 'Register, log in' },
          { name: 'accounts', description: 'Discord bot accounts and their workers' },
          { name: 'friends', description: 'The people an account watches' },
          { name: 'history', description: 'Activity and content history' },
          { name: 'system', description: 'Health and status' },
        ],
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          },
        },
      },
    });
    await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  },
  { name: 'swagger' },
);
