import type { FastifyInstance } from 'fastify';
import type { FriendPresence, FriendVisibility } from '../../ipc/index.js';
import type { FriendView } from '../../services/friend-service.js';
import type { Static } from '../common-schemas.js';
import type { Friend } from './schemas.js';

const iso = (at: number) => new Date(at).toISOString();

/**
 * A friend as the API returns it: the stored fields plus what the server sees of them now
 * (presence, last decision) and whether the bot can see them at all.
 */
export function presentFriend(app: FastifyInstance, f: FriendView, visibility?: Map<string, FriendVisibility>): Static<typeof Friend> {
  const { presence: lastChange, lastDecision } = app.liveEvents.friendWatch.get(f.accountId, f.discordUserId);
  const seen = visibility?.get(f.discordUserId);
  // The last change the server saw (with its time), else the worker's view of the friend.
  const presence: (FriendPresence & { at?: number }) | undefined = lastChange ?? seen?.presence;
  return {
    id: f.id,
    accountId: f.accountId,
    discordUserId: f.discordUserId,
    displayName: f.displayName,
    enabled: f.enabled,
    rules: f.rules,
    visible: seen?.visible ?? null,
    presence: presence
      ? { status: presence.status, activities: [...presence.activities], ...(presence.at === undefined ? {} : { at: iso(presence.at) }) }
      : null,
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
