import type { ActivityEvent, ActivityTypeName, PresenceStatus } from '../../src/ipc/index.js';

/** One activity as far as events care: what is being done, not its timestamps or details. */
export interface ActivitySnapshot {
  name: string;
  type: ActivityTypeName;
}

/** A friend's presence reduced to what can produce an event. */
export interface PresenceSnapshot {
  status: PresenceStatus;
  activities: readonly ActivitySnapshot[];
}

/** The presence of a user Discord has told us nothing about. */
export const OFFLINE: PresenceSnapshot = Object.freeze({ status: 'offline', activities: [] });

/** Who changed and when, stamped on every event of one diff. */
export interface DiffContext {
  discordUserId: string;
  at: number;
}

const activityKey = (a: ActivitySnapshot): string => `${a.type}\u0000${a.name}`;

/** Activities of `from` that `to` does not have, each once (a presence may repeat one). */
function missingFrom(
  from: readonly ActivitySnapshot[],
  to: readonly ActivitySnapshot[],
): ActivitySnapshot[] {
  const present = new Set(to.map(activityKey));
  const seen = new Set<string>();
  return from.filter((a) => {
    const key = activityKey(a);
    if (present.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The events that one presence change stands for, in the order they happened to a watcher:
 * coming online (or a status change), activities ended, activities started, going offline.
 *
 * An activity is identified by type and name, so a change in timestamps, details or state of
 * the same activity yields nothing; equal presences yield `[]`.
 */
export function diffPresence(
  before: PresenceSnapshot,
  after: PresenceSnapshot,
  context: DiffContext,
): ActivityEvent[] {
  const { status } = after;
  const event = (kind: ActivityEvent['kind'], activity?: ActivitySnapshot): ActivityEvent => ({
    discordUserId: context.discordUserId,
    kind,
    status,
    ...(activity && { activity: { name: activity.name, type: activity.type } }),
    at: context.at,
  });

  const events: ActivityEvent[] = [];
  const wasOnline = before.status !== 'offline';
  const isOnline = status !== 'offline';
  if (!wasOnline && isOnline) events.push(event('online'));
  else if (wasOnline && isOnline && before.status !== status) events.push(event('status'));
  for (const ended of missingFrom(before.activities, after.activities)) {
    events.push(event('activity:end', ended));
  }
  for (const started of missingFrom(after.activities, before.activities)) {
    events.push(event('activity:start', started));
  }
  if (wasOnline && !isOnline) events.push(event('offline'));
  return events;
}
