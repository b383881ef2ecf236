import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ForbiddenError, UnauthorizedError } from '../services/errors.js';

/** What a JWT access token carries. */
export interface AuthUser {
  sub: string;
  role: 'user' | 'admin';
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AuthUser;
    user: AuthUser;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: 401 unless the request carries a valid access token. */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** preHandler: 403 unless the authenticated user is an admin. */
    requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

export default fp(
  async function auth(app: FastifyInstance) {
    await app.register(fastifyJwt, {
      secret: app.config.JWT_SECRET,
      sign: { expiresIn: app.config.JWT_EXPIRES_IN },
      // Verified tokens are cached (LRU, keyed by a hash of the token, bounded by their expiry):
      // a client polling the API is verified once, not on every request.
      verify: { cache: 10_000, cacheTTL: 300_000 },
    });
    app.decorate('authenticate', async (request: FastifyRequest) => {
      try {
        await request.jwtVerify();
      } catch {
        throw new UnauthorizedError('Missing, expired or invalid access token');
      }
    });
    app.decorate('requireAdmin', async (request: FastifyRequest) => {
      if (request.user?.role !== 'admin') throw new ForbiddenError('Admins only');
    });
  },
  { name: 'auth', dependencies: ['config'] },
);
