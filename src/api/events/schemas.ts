import { LIVE_EVENT_TYPES } from '../../events/live-event.js';
import { Type } from '../common-schemas.js';

/** What each event of the stream carries (interfaces, not schemas: the stream is not validated). */
export type { LiveEventData, StreamEventData } from '../../events/live-event.js';

export const EventsQuery = Type.Object({
  ticket: Type.Optional(Type.String({ maxLength: 100, description: 'A ticket from POST /api/events/ticket (for EventSource, which cannot send headers)' })),
  accountId: Type.Optional(Type.String({ description: "Only this account's events" })),
  types: Type.Optional(
    Type.String({
      pattern: `^(${LIVE_EVENT_TYPES.join('|')})(,(${LIVE_EVENT_TYPES.join('|')}))*$`,
      description: `Comma-separated event types (${LIVE_EVENT_TYPES.join(', ')}); all when absent`,
    }),
  ),
  all: Type.Optional(Type.Boolean({ description: "Admins only: every account's events" })),
  lastEventId: Type.Optional(
    Type.String({ maxLength: 40, description: 'Resume after this event id (what the Last-Event-ID header says; for a new EventSource)' }),
  ),
});

export const TicketBody = Type.Object({
  ticket: Type.String({ description: 'Put it in the stream URL: /api/events?ticket=…' }),
  expiresIn: Type.Integer({ description: 'Seconds the ticket stays valid; it works once' }),
});

export const EventStream = {
  description:
    'A text/event-stream. Events: hello, state, activity, delivery, presence, log; reset (resume point lost: reload) and disconnect (the server ends the stream, with a reason). Every event has an id; reconnect with Last-Event-ID to get what was missed.',
  content: { 'text/event-stream': { schema: Type.String() } },
};
