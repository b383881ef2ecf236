import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../services/errors.js';
import { VerifiedTokens } from './verified-tokens.js';

/** Verified tokens kept, and for how long at most. */
const VERIFIED_TOKENS = { max: 10_000, ttlMs: 300_000 } as const;

/** What a JWT access token carries (the role as at login; requests see the stored one). */
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
    });
    // A client polling the API is verified once per token, not on every request.
    const verified = new VerifiedTokens<AuthUser>(VERIFIED_TOKENS.max, VERIFIED_TOKENS.ttlMs);
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const header = request.headers.authorization;
      const known = header === undefined ? undefined : verified.get(header);
      if (known !== undefined) {
        request.user = known;
        return;
      }
      try {
        await request.jwtVerify();
      } catch {
        throw new UnauthorizedError('Missing, expired or invalid access token');
      }
      const token = request.user as AuthUser & { exp?: number };
      // The role is the user's as stored now, not as it was at login: a demoted admin's token no
      // longer opens the admin routes once it is verified again (within the cache's TTL).
      const role = await app.users.get(token.sub).then(
        (user) => user.role,
        (err: unknown) => {
          if (err instanceof NotFoundError) throw new UnauthorizedError('Missing, expired or invalid access token');
          throw err;
        },
      );
      request.user = Object.freeze({ ...token, role });
      if (header !== undefined) verified.remember(header, request.user, token.exp === undefined ? undefined : token.exp * 1000);
    });
    app.decorate('requireAdmin', async (request: FastifyRequest) => {
      if (request.user?.role !== 'admin') throw new ForbiddenError('Admins only');
    });
  },
  { name: 'auth', dependencies: ['config', 'services'] },
);
