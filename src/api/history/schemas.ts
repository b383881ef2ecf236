import { ActivityKind } from '../../domain/activity.js';
import { IsoDate, ObjectIdString, Page, PageQuery, Snowflake, Type } from '../common-schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const commonFilters = {
  friendId: Type.Optional(ObjectIdString),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Only entries at or after this time' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Only entries before this time' })),
};

export const ActivityQuery = Type.Object(
  { ...PageQuery.properties, ...commonFilters, kind: Type.Optional(ActivityKind) },
);

export const DeliveryStatus = Type.Union([Type.Literal('sent'), Type.Literal('failed'), Type.Literal('skipped')]);

export const ContentQuery = Type.Object(
  { ...PageQuery.properties, ...commonFilters, status: Type.Optional(DeliveryStatus) },
);

export const ActivityEntry = Type.Object({
  id: ObjectIdString,
  friendId: Nullable(ObjectIdString),
  discordUserId: Snowflake,
  kind: ActivityKind,
  status: Nullable(Type.String({ description: 'online, idle, dnd or offline' })),
  activity: Nullable(
    Type.Object({ name: Type.String(), type: Nullable(Type.String({ examples: ['playing'] })) }),
  ),
  at: IsoDate,
});

export const ContentItem = Type.Object({
  id: Type.Optional(Type.String()),
  type: Type.Optional(Type.String()),
  url: Type.Optional(Type.String()),
  text: Type.Optional(Type.String()),
  title: Type.Optional(Type.String()),
  source: Type.Optional(Type.String()),
});

export const ContentEntry = Type.Object({
  id: ObjectIdString,
  friendId: ObjectIdString,
  discordUserId: Snowflake,
  item: Nullable(ContentItem),
  status: DeliveryStatus,
  reason: Nullable(Type.String()),
  discordMessageId: Nullable(Snowflake),
  latencyMs: Nullable(Type.Number({ description: 'Presence change seen → delivery answered' })),
  at: IsoDate,
});

export const ActivityPage = Page(ActivityEntry, 'activity entries');
export const ContentPage = Page(ContentEntry, 'content deliveries');
