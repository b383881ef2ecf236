import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NotFoundError, UnauthorizedError } from '../../services/errors.js';
import type { UserView } from '../../services/user-service.js';
import { errors } from '../common-schemas.js';
import { AccessToken, LoginBody, RegisterBody, User } from './schemas.js';

function presentUser(user: UserView) {
  return { id: user.id, email: user.email, role: user.role, createdAt: user.createdAt.toISOString() };
}

const authRoutes: FastifyPluginAsyncTypebox = async (app) => {

  app.post(
    '/register',
    {
      // One budget per IP for login and register, whatever Authorization header comes along.
      config: { authRoute: true },
      schema: {
        tags: ['auth'],
        summary: 'Create a user',
        description: 'Passwords are 12 to 256 characters and stored as scrypt hashes. Emails are case-insensitive.',
        body: RegisterBody,
        response: { 201: User, ...errors(400, 409, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const user = await app.users.register(request.body.email, request.body.password);
      return reply.status(201).send(presentUser(user));
    },
  );

  app.post(
    '/login',
    {
      // One budget per IP for login and register, whatever Authorization header comes along.
      config: { authRoute: true },
      schema: {
        tags: ['auth'],
        summary: 'Exchange email and password for an access token',
        description: 'Any wrong email/password pair answers the same 401.',
        body: LoginBody,
        response: { 200: AccessToken, ...errors(400, 401, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const user = await app.users.authenticate(request.body.email, request.body.password);
      const accessToken = await reply.jwtSign({ sub: user.id, role: user.role });
      const { exp, iat } = app.jwt.decode<{ exp: number; iat: number }>(accessToken) ?? { exp: 0, iat: 0 };
      return { accessToken, tokenType: 'Bearer' as const, expiresIn: exp - iat };
    },
  );

  app.get(
    '/me',
    {
      onRequest: [app.authenticate],
      schema: {
        tags: ['auth'],
        summary: 'The user the access token belongs to',
        security: [{ bearerAuth: [] }],
        response: { 200: User, ...errors(401, 429) },
      },
    },
    async (request) => {
      try {
        return presentUser(await app.users.get(request.user.sub));
      } catch (err) {
        // A valid token of a user that no longer exists is no credential at all.
        if (err instanceof NotFoundError) throw new UnauthorizedError('Missing, expired or invalid access token');
        throw err;
      }
    },
  );
};

export default authRoutes;
