/**
 * What each presence change of the load is, and which activity event it must produce.
 *
 * Every friend starts online with no activity (set before the accounts start, so it is the
 * worker's silent baseline). Its changes then alternate: change 1 starts playing `g1`, change 2
 * stops it, change 3 starts `g3`, … So every change is a real change that yields exactly one
 * event — `activity:start g<n>` or `activity:end g<n-1>` — and its key (friend, kind, name) is
 * unique for the whole run, which is how stored rows are matched to the change that caused them.
 */

export type PlannedKind = 'activity:start' | 'activity:end';

/** The body of `PUT /_fake/users/:id/presence`. */
export interface PresenceBody {
  status: 'online';
  activities: Array<{ name: string; type: number }>;
}

export interface PlannedChange {
  presence: PresenceBody;
  /** The one event the change must produce. */
  kind: PlannedKind;
  name: string;
}

/** Discord's activity type 0 ("playing"). */
const PLAYING = 0;

/** The presence every friend has before the load: online, doing nothing. */
export const INITIAL_PRESENCE: PresenceBody = { status: 'online', activities: [] };

/** The friend's `seq`-th change (1-based). */
export function plannedChange(seq: number): PlannedChange {
  if (!Number.isInteger(seq) || seq < 1) throw new RangeError(`seq must be a positive integer, got ${seq}`);
  if (seq % 2 === 1) {
    const name = `g${seq}`;
    return { presence: { status: 'online', activities: [{ name, type: PLAYING }] }, kind: 'activity:start', name };
  }
  return { presence: { status: 'online', activities: [] }, kind: 'activity:end', name: `g${seq - 1}` };
}

/** Identifies one activity event of one friend of one account. */
export function eventKey(accountId: string, discordUserId: string, kind: string, name: string | null | undefined): string {
  return `${accountId}|${discordUserId}|${kind}|${name ?? ''}`;
}
