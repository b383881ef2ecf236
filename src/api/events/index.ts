import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { LiveEventType } from '../../events/live-event.js';
import { ForbiddenError, UnauthorizedError } from '../../services/errors.js';
import type { AuthUser } from '../../plugins/auth.js';
import { errors } from '../common-schemas.js';
import { LiveStream } from './live-stream.js';
import { EventStream, EventsQuery, TicketBody } from './schemas.js';

const security = [{ bearerAuth: [] }];

/** When the access token of a request expires (epoch ms). */
function tokenExpiry(request: FastifyRequest): number {
  const exp = (request.user as AuthUser & { exp?: number }).exp;
  return typeof exp === 'number' ? exp * 1000 : Date.now() + 3_600_000;
}

/** GET /api/events (Server-Sent Events) and POST /api/events/ticket. */
const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/ticket',
    {
      onRequest: [app.authenticate],
      schema: {
        tags: ['events'],
        summary: 'A single-use ticket that opens the event stream from a browser',
        description:
          "EventSource cannot send an Authorization header, and an access token must never go in a URL: trade it for a ticket that works once, within `expiresIn` seconds, as `GET /api/events?ticket=…`. The stream it opens ends when the access token would have expired.",
        security,
        response: { 200: TicketBody, ...errors(401, 429) },
      },
    },
    async (request) => {
      const ticket = app.liveEvents.tickets.issue({ user: request.user, validUntil: tokenExpiry(request) });
      return { ticket, expiresIn: Math.floor(app.liveEvents.tickets.ttlMs / 1000) };
    },
  );

  app.get(
    '',
    {
      sse: { kind: 'only', serializer: (data: unknown) => String(data) },
      onRequest: [
        async (request, reply) => {
          const ticket = (request.query as { ticket?: unknown }).ticket;
          if (typeof ticket !== 'string') return app.authenticate(request, reply);
          const redeemed = app.liveEvents.tickets.redeem(ticket);
          if (!redeemed) throw new UnauthorizedError('Unknown, used or expired ticket');
          request.user = redeemed.user;
          (request as FastifyRequest & { validUntil?: number }).validUntil = redeemed.validUntil;
        },
      ],
      schema: {
        tags: ['events'],
        summary: "Live events of the caller's accounts (Server-Sent Events)",
        description:
          'Authenticate with the Authorization header, or with `?ticket=` from POST /api/events/ticket. Send `Last-Event-ID` (or `?lastEventId=`) to get exactly the events missed since; when they are no longer buffered a `reset` event says so. See docs/api.md for the event shapes.',
        security,
        querystring: EventsQuery,
        response: { 200: EventStream, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const { accountId, types, all } = request.query;
      const user = request.user;
      if (all && user.role !== 'admin') throw new ForbiddenError('Only admins may stream every account');
      if (accountId !== undefined) await app.accounts.find(user.sub, accountId);
      const wanted = types ? new Set(types.split(',') as LiveEventType[]) : undefined;
      const validUntil = (request as FastifyRequest & { validUntil?: number }).validUntil ?? tokenExpiry(request);
      const lastEventId = request.headers['last-event-id'] ?? request.query.lastEventId;
      const stream = new LiveStream(reply, {
        bus: app.liveEvents.bus,
        owner: all === true ? undefined : user.sub,
        // The owner again: replayed events come from the whole buffer, not the owner's subscription.
        accept: (event) =>
          (all === true || event.ownerId === user.sub) &&
          (accountId === undefined || event.accountId === accountId) &&
          (wanted === undefined || wanted.has(event.type)),
        ...(typeof lastEventId === 'string' ? { lastEventId } : {}),
        validUntil,
        ...app.liveEvents.streamLimits,
      });
      app.liveEvents.open(stream);
      return reply;
    },
  );
};

export default eventRoutes;
