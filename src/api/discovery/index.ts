import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors, IdParams } from '../common-schemas.js';
import { InviteBody } from './schemas.js';

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
};

export default discoveryRoutes;
