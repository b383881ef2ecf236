import type { ActivityEvent, ActivityTypeName, PresenceStatus } from '../../src/ipc/index.js';
import { type ActivitySnapshot, diffPresence, OFFLINE, type PresenceSnapshot } from './presence-diff.js';

/**
 * Turns gateway presence payloads into activity events for the watched friends only.
 *
 * It reads the raw dispatches (`PRESENCE_UPDATE`, `GUILD_CREATE`, `GUILD_MEMBERS_CHUNK`) rather
 * than discord.js's `presenceUpdate` event, so the client needs no user, member or presence
 * cache: discord.js drops a presence update of any user it has not cached, while the raw
 * payload always names the user. Presence arrives once per guild shared with the bot; keeping
 * one snapshot per user means the second copy of a change diffs to nothing.
 */

/** A presence as it appears on the wire; read defensively. */
export interface RawPresence {
  user?: { id?: unknown } | null;
  status?: unknown;
  activities?: unknown;
}

/** The parts of `GUILD_CREATE` and `GUILD_MEMBERS_CHUNK` that describe member presences. */
export interface RawGuildPresences {
  members?: Array<{ user?: { id?: unknown } | null } | null> | null;
  /** Absent when the payload says nothing about presences (a chunk requested without them). */
  presences?: RawPresence[] | null;
}

const ACTIVITY_TYPES: Readonly<Record<number, ActivityTypeName>> = {
  0: 'playing',
  1: 'streaming',
  2: 'listening',
  3: 'watching',
  4: 'custom',
  5: 'competing',
};

function toStatus(raw: unknown): PresenceStatus {
  return raw === 'online' || raw === 'idle' || raw === 'dnd' ? raw : 'offline';
}

/** Unknown activity types are ignored; a custom status is named by its text. */
function toActivity(raw: unknown): ActivitySnapshot | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { name, type, state } = raw as { name?: unknown; type?: unknown; state?: unknown };
  const typeName = typeof type === 'number' ? ACTIVITY_TYPES[type] : undefined;
  if (!typeName || typeof name !== 'string') return undefined;
  const text = typeName === 'custom' && typeof state === 'string' && state !== '' ? state : name;
  return { name: text, type: typeName };
}

/** Reduces a wire presence to a snapshot. Offline users have no activities. */
export function toPresenceSnapshot(raw: RawPresence): PresenceSnapshot {
  const status = toStatus(raw.status);
  if (status === 'offline' || !Array.isArray(raw.activities)) return { status, activities: [] };
  const activities = raw.activities
    .map(toActivity)
    .filter((a): a is ActivitySnapshot => a !== undefined);
  return { status, activities };
}

function userIdOf(entry: { user?: { id?: unknown } | null } | null | undefined): string | undefined {
  const id = entry?.user?.id;
  return typeof id === 'string' ? id : undefined;
}

export class PresenceTracker {
  #friends: Set<string>;
  readonly #known = new Map<string, PresenceSnapshot>();
  /** Friends whose first presence was taken as a baseline since the last `takeNewBaselines`. */
  #newBaselines: Record<string, PresenceSnapshot> | undefined;

  constructor(friends: Iterable<string>) {
    this.#friends = new Set(friends);
  }

  /** Replaces the watched set; returns the ids that were added. Forgets removed friends. */
  setFriends(friends: Iterable<string>): string[] {
    const next = new Set(friends);
    const added = [...next].filter((id) => !this.#friends.has(id));
    for (const id of this.#known.keys()) if (!next.has(id)) this.#known.delete(id);
    this.#friends = next;
    return added;
  }

  /**
   * Presences known from elsewhere (the server's, handed to a replacement worker): later
   * payloads are diffed against them instead of becoming a silent baseline. Non-friends are ignored.
   */
  seed(known: Readonly<Record<string, PresenceSnapshot>>): void {
    for (const [id, snapshot] of Object.entries(known)) {
      if (!this.#friends.has(id)) continue;
      const status = toStatus(snapshot.status);
      this.#known.set(id, { status, activities: status === 'offline' ? [] : snapshot.activities });
    }
  }

  /** The baselines taken silently since the last call (the server keeps them), or undefined. */
  takeNewBaselines(): Record<string, PresenceSnapshot> | undefined {
    const taken = this.#newBaselines;
    this.#newBaselines = undefined;
    return taken;
  }

  /**
   * For each friend: whether the bot has seen them in a shared server (a member list or a
   * presence), and their presence as last seen.
   */
  visibility(): Record<string, { visible: boolean; presence?: PresenceSnapshot }> {
    return Object.fromEntries(
      [...this.#friends].map((id) => {
        const presence = this.#known.get(id);
        return [id, presence ? { visible: true, presence } : { visible: false }];
      }),
    );
  }

  get friendCount(): number {
    return this.#friends.size;
  }

  /**
   * A `PRESENCE_UPDATE`: a change notification. A friend never seen before counts as having
   * been offline, so their first update is reported in full.
   */
  onPresenceUpdate(raw: RawPresence, at: number): ActivityEvent[] {
    const id = userIdOf(raw);
    if (!id || !this.#friends.has(id)) return [];
    return this.#observe(id, toPresenceSnapshot(raw), at, false);
  }

  /**
   * A full picture of a guild's members (`GUILD_CREATE`, or a member chunk requested with
   * presences). It sets the baseline for friends not seen before, silently, and reports what
   * changed for the others (after a re-identify, changes made while disconnected).
   * A listed member without a presence is offline.
   */
  onGuildPresences(raw: RawGuildPresences, at: number): ActivityEvent[] {
    if (!Array.isArray(raw.presences)) return [];
    const observed = new Map<string, PresenceSnapshot>();
    for (const member of raw.members ?? []) {
      const id = userIdOf(member);
      if (id && this.#friends.has(id)) observed.set(id, OFFLINE);
    }
    for (const presence of raw.presences) {
      const id = userIdOf(presence);
      if (id && this.#friends.has(id)) observed.set(id, toPresenceSnapshot(presence));
    }
    return [...observed].flatMap(([id, snapshot]) => this.#observe(id, snapshot, at, true));
  }

  #observe(id: string, after: PresenceSnapshot, at: number, isBaseline: boolean): ActivityEvent[] {
    const before = this.#known.get(id);
    this.#known.set(id, after);
    if (!before && isBaseline) {
      (this.#newBaselines ??= {})[id] = after;
      return [];
    }
    return diffPresence(before ?? OFFLINE, after, { discordUserId: id, at });
  }
}
