import { describe, expect, it } from 'vitest';
import { PresenceTracker, toPresenceSnapshot } from '../../../../workers/lib/presence-tracker.js';

const FRIEND = '200000000000000001';
const OTHER = '200000000000000002';
const GUILD_A = '300000000000000001';
const GUILD_B = '300000000000000002';
const AT = 1_700_000_000_000;

const playing = (name: string, startedAt = 1_000) => ({ name, type: 0, created_at: startedAt, timestamps: { start: startedAt } });
const update = (userId: string, status: string, activities: unknown[] = [], guildId = GUILD_A) => ({
  user: { id: userId },
  guild_id: guildId,
  status,
  activities,
  client_status: { desktop: status },
});
const guild = (members: string[], presences: ReturnType<typeof update>[]) => ({
  members: members.map((id) => ({ user: { id, username: `u${id}` } })),
  presences,
});
const kinds = (events: { kind: string; activity?: { name: string } }[]) =>
  events.map((e) => (e.activity ? `${e.kind} ${e.activity.name}` : e.kind));

describe('toPresenceSnapshot', () => {
  it('names activity types and keeps only name and type', () => {
    const raw = update(FRIEND, 'online', [
      { name: 'Twitch', type: 1, url: 'https://twitch.tv/x' },
      { name: 'Spotify', type: 2, details: 'a song' },
      { name: 'a film', type: 3 },
      { name: 'a cup', type: 5 },
    ]);
    expect(toPresenceSnapshot(raw)).toEqual({
      status: 'online',
      activities: [
        { name: 'Twitch', type: 'streaming' },
        { name: 'Spotify', type: 'listening' },
        { name: 'a film', type: 'watching' },
        { name: 'a cup', type: 'competing' },
      ],
    });
  });

  it('names a custom status by its text', () => {
    const raw = update(FRIEND, 'idle', [{ name: 'Custom Status', type: 4, state: 'brb' }]);
    expect(toPresenceSnapshot(raw).activities).toEqual([{ name: 'brb', type: 'custom' }]);
  });

  it('ignores activities of unknown types and malformed ones', () => {
    const raw = update(FRIEND, 'online', [{ name: 'x', type: 99 }, null, { type: 0 }, playing('Factorio')]);
    expect(toPresenceSnapshot(raw).activities).toEqual([{ name: 'Factorio', type: 'playing' }]);
  });

  it('reads an unknown status as offline, without activities', () => {
    expect(toPresenceSnapshot(update(FRIEND, 'invisible', [playing('Factorio')]))).toEqual({
      status: 'offline',
      activities: [],
    });
  });
});

describe('PresenceTracker', () => {
  it('reports a friend’s presence update', () => {
    const tracker = new PresenceTracker([FRIEND]);
    expect(kinds(tracker.onPresenceUpdate(update(FRIEND, 'online'), AT))).toEqual(['online']);
  });

  it('ignores users who are not friends', () => {
    const tracker = new PresenceTracker([FRIEND]);
    expect(tracker.onPresenceUpdate(update(OTHER, 'online', [playing('Factorio')]), AT)).toEqual([]);
  });

  it('stamps events with the user and the time given', () => {
    const tracker = new PresenceTracker([FRIEND]);
    const [event] = tracker.onPresenceUpdate(update(FRIEND, 'dnd'), AT);
    expect(event).toMatchObject({ discordUserId: FRIEND, status: 'dnd', at: AT });
  });

  it('reports a change once when it arrives from every shared guild', () => {
    const tracker = new PresenceTracker([FRIEND]);
    const first = tracker.onPresenceUpdate(update(FRIEND, 'online', [playing('Factorio')], GUILD_A), AT);
    const second = tracker.onPresenceUpdate(update(FRIEND, 'online', [playing('Factorio')], GUILD_B), AT);
    expect(kinds(first)).toEqual(['online', 'activity:start Factorio']);
    expect(second).toEqual([]);
  });

  it('reports nothing when only an activity’s timestamps changed', () => {
    const tracker = new PresenceTracker([FRIEND]);
    tracker.onPresenceUpdate(update(FRIEND, 'online', [playing('Factorio', 1_000)]), AT);
    expect(tracker.onPresenceUpdate(update(FRIEND, 'online', [playing('Factorio', 5_000)]), AT)).toEqual([]);
  });

  it('reports nothing when only the device changed', () => {
    const tracker = new PresenceTracker([FRIEND]);
    tracker.onPresenceUpdate(update(FRIEND, 'online'), AT);
    const fromPhone = { ...update(FRIEND, 'online'), client_status: { mobile: 'online' } };
    expect(tracker.onPresenceUpdate(fromPhone, AT)).toEqual([]);
  });

  it('takes a guild’s presences as the baseline without reporting them', () => {
    const tracker = new PresenceTracker([FRIEND]);
    expect(tracker.onGuildPresences(guild([FRIEND], [update(FRIEND, 'online', [playing('Factorio')])]), AT)).toEqual([]);
    expect(kinds(tracker.onPresenceUpdate(update(FRIEND, 'online'), AT))).toEqual(['activity:end Factorio']);
  });

  it('takes a listed member without a presence as offline', () => {
    const tracker = new PresenceTracker([FRIEND]);
    tracker.onGuildPresences(guild([FRIEND], []), AT);
    expect(tracker.onPresenceUpdate(update(FRIEND, 'offline'), AT)).toEqual([]);
  });

  it('reports what changed between two full pictures (a re-identify)', () => {
    const tracker = new PresenceTracker([FRIEND]);
    tracker.onGuildPresences(guild([FRIEND], []), AT);
    const later = tracker.onGuildPresences(guild([FRIEND], [update(FRIEND, 'idle')]), AT + 1);
    expect(kinds(later)).toEqual(['online']);
  });

  it('learns nothing from a member list that carries no presences', () => {
    const tracker = new PresenceTracker([FRIEND]);
    tracker.onPresenceUpdate(update(FRIEND, 'online'), AT);
    expect(tracker.onGuildPresences({ members: [{ user: { id: FRIEND } }] }, AT)).toEqual([]);
    expect(tracker.onPresenceUpdate(update(FRIEND, 'online'), AT)).toEqual([]);
  });

  it('starts reporting a friend added later', () => {
    const tracker = new PresenceTracker([]);
    expect(tracker.onPresenceUpdate(update(FRIEND, 'online'), AT)).toEqual([]);
    expect(tracker.setFriends([FRIEND])).toEqual([FRIEND]);
    expect(kinds(tracker.onPresenceUpdate(update(FRIEND, 'idle'), AT))).toEqual(['online']);
  });

  it('stops reporting a removed friend and forgets their presence', () => {
    const tracker = new PresenceTracker([FRIEND, OTHER]);
    tracker.onPresenceUpdate(update(FRIEND, 'online'), AT);
    expect(tracker.setFriends([OTHER])).toEqual([]);
    expect(tracker.onPresenceUpdate(update(FRIEND, 'offline'), AT)).toEqual([]);
    tracker.setFriends([OTHER, FRIEND]);
    expect(kinds(tracker.onPresenceUpdate(update(FRIEND, 'online'), AT))).toEqual(['online']);
  });

  it('ignores payloads without a user id', () => {
    const tracker = new PresenceTracker([FRIEND]);
    expect(tracker.onPresenceUpdate({ status: 'online' }, AT)).toEqual([]);
    expect(tracker.onPresenceUpdate({ user: null, status: 'online' }, AT)).toEqual([]);
  });
});

describe('PresenceTracker with a baseline from elsewhere', () => {
  it('diffs against a seeded presence instead of taking the first payload silently', () => {
    const tracker = new PresenceTracker([FRIEND]);
    tracker.seed({ [FRIEND]: { status: 'online', activities: [{ name: 'Factorio', type: 'playing' }] } });

    const events = tracker.onGuildPresences(guild([FRIEND], [update(FRIEND, 'idle', [playing('Celeste')])]), AT);

    expect(kinds(events)).toEqual(['status', 'activity:end Factorio', 'activity:start Celeste']);
    expect(tracker.takeNewBaselines()).toBeUndefined();
  });

  it('ignores seeded presences of users who are not friends', () => {
    const tracker = new PresenceTracker([FRIEND]);
    tracker.seed({ [OTHER]: { status: 'online', activities: [] } });
    tracker.setFriends([FRIEND, OTHER]);

    expect(tracker.onGuildPresences(guild([OTHER], [update(OTHER, 'online')]), AT)).toEqual([]);
    expect(tracker.takeNewBaselines()).toEqual({ [OTHER]: { status: 'online', activities: [] } });
  });

  it('hands each silent baseline over once', () => {
    const tracker = new PresenceTracker([FRIEND, OTHER]);
    tracker.onGuildPresences(guild([FRIEND, OTHER], [update(FRIEND, 'online', [playing('Factorio')])]), AT);

    expect(tracker.takeNewBaselines()).toEqual({
      [FRIEND]: { status: 'online', activities: [{ name: 'Factorio', type: 'playing' }] },
      [OTHER]: { status: 'offline', activities: [] },
    });
    expect(tracker.takeNewBaselines()).toBeUndefined();
  });
});
