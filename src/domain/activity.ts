/** What a friend did, as the worker reports it and ActivityHistory stores it. */
import type { Static } from 'typebox';
import { LiteralUnion } from './literal-union.js';

export const ACTIVITY_KINDS = ['online', 'offline', 'status', 'activity:start', 'activity:end'] as const;
export const ActivityKind = LiteralUnion(ACTIVITY_KINDS);
export type ActivityKind = Static<typeof ActivityKind>;

export const PRESENCE_STATUSES = ['online', 'idle', 'dnd', 'offline'] as const;
export const PresenceStatus = LiteralUnion(PRESENCE_STATUSES);
export type PresenceStatus = Static<typeof PresenceStatus>;

/** discord.js ActivityType names, lowercased. */
export const ACTIVITY_TYPE_NAMES = ['playing', 'streaming', 'listening', 'watching', 'custom', 'competing'] as const;
export const ActivityTypeName = LiteralUnion(ACTIVITY_TYPE_NAMES);
export type ActivityTypeName = Static<typeof ActivityTypeName>;
