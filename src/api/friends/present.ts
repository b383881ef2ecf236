import type { FastifyInstance } from 'fastify';
import type { FriendView } from '../../services/friend-service.js';
import type { Static } from '../common-schemas.js';
import type { Friend } from './schemas.js';

const iso = (at: number) => new Date(at).toISOString();

/**
 * A friend as the API returns it: the stored fields plus what the server sees of them now
 * (presence, last decision) and whether the bot can see them at all.
 */
export function presentFriend(app: FastifyInstance, f: FriendView, visibility?: Map<string, boolean>): Static<typeof Friend> {
  const { presence, lastDecision } = app.liveEvents.friendWatch.get(f.accountId, f.discordUserId);
  return {
    id: f.id,
    accountId: f.accountId,
    discordUserId: f.discordUserId,
    displayName: f.displayName,
    enabled: f.enabled,
    rules: f.rules,
    visible: visibility?.get(f.discordUserId) ?? null,
    presence: presence ? { status: presence.status, activities: presence.activities, at: iso(presence.at) } : null,
    lastDecision: lastDecision
      ? {
          outcome: lastDecision.outcome,
          ...(lastDecision.reason === undefined ? {} : { reason: lastDecision.reason }),
          ...(lastDecision.until === undefined ? {} : { until: iso(lastDecision.until) }),
          at: iso(lastDecision.at),
        }
      : null,
    createdAt: f.createdAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
  };
}
