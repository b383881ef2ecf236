import { describe, expect, it } from 'vitest';
import {
  type ActivitySnapshot,
  diffPresence,
  OFFLINE,
  type PresenceSnapshot,
} from '../../../../workers/lib/presence-diff.js';

const ctx = { discordUserId: '111111111111111111', at: 1_700_000_000_000 };
const game: ActivitySnapshot = { name: 'Factorio', type: 'playing' };
const music: ActivitySnapshot = { name: 'Spotify', type: 'listening' };
const presence = (status: PresenceSnapshot['status'], ...activities: ActivitySnapshot[]): PresenceSnapshot => ({
  status,
  activities,
});
const kinds = (before: PresenceSnapshot, after: PresenceSnapshot) =>
  diffPresence(before, after, ctx).map((e) => (e.activity ? `${e.kind} ${e.activity.name}` : e.kind));

describe('diffPresence', () => {
  it('reports coming online as one online event carrying the new status', () => {
    const events = diffPresence(OFFLINE, presence('idle'), ctx);
    expect(events).toEqual([{ discordUserId: ctx.discordUserId, kind: 'online', status: 'idle', at: ctx.at }]);
  });

  it('reports going offline as one offline event', () => {
    expect(kinds(presence('dnd'), OFFLINE)).toEqual(['offline']);
  });

  it('reports a change between online, idle and dnd as one status event', () => {
    const events = diffPresence(presence('online'), presence('dnd'), ctx);
    expect(events).toEqual([{ discordUserId: ctx.discordUserId, kind: 'status', status: 'dnd', at: ctx.at }]);
  });

  it('reports a started activity with its name and type', () => {
    const events = diffPresence(presence('online'), presence('online', game), ctx);
    expect(events).toEqual([
      {
        discordUserId: ctx.discordUserId,
        kind: 'activity:start',
        status: 'online',
        activity: { name: 'Factorio', type: 'playing' },
        at: ctx.at,
      },
    ]);
  });

  it('reports an ended activity', () => {
    expect(kinds(presence('online', game, music), presence('online', music))).toEqual(['activity:end Factorio']);
  });

  it('reports switching games as an end followed by a start', () => {
    const other = { name: 'Celeste', type: 'playing' } as const;
    expect(kinds(presence('online', game), presence('online', other))).toEqual([
      'activity:end Factorio',
      'activity:start Celeste',
    ]);
  });

  it('treats the same name under another type as another activity', () => {
    const watching = { name: 'Factorio', type: 'watching' } as const;
    expect(kinds(presence('online', game), presence('online', watching))).toEqual([
      'activity:end Factorio',
      'activity:start Factorio',
    ]);
  });

  it('reports coming online already playing as online, then the activity', () => {
    expect(kinds(OFFLINE, presence('online', game))).toEqual(['online', 'activity:start Factorio']);
  });

  it('reports going offline mid-game as the activity ending, then offline', () => {
    const events = diffPresence(presence('online', game), OFFLINE, ctx);
    expect(events.map((e) => [e.kind, e.status])).toEqual([
      ['activity:end', 'offline'],
      ['offline', 'offline'],
    ]);
  });

  it('reports a status change together with activity changes in one diff', () => {
    expect(kinds(presence('online', game), presence('idle', music))).toEqual([
      'status',
      'activity:end Factorio',
      'activity:start Spotify',
    ]);
  });

  it('yields nothing for equal presences', () => {
    expect(diffPresence(presence('online', game, music), presence('online', game, music), ctx)).toEqual([]);
  });

  it('yields nothing when only the order of activities changed', () => {
    expect(diffPresence(presence('online', game, music), presence('online', music, game), ctx)).toEqual([]);
  });

  it('reports an activity listed twice only once', () => {
    expect(kinds(presence('online'), presence('online', game, { ...game }))).toEqual(['activity:start Factorio']);
  });

  it('yields nothing between two offline presences', () => {
    expect(diffPresence(OFFLINE, presence('offline'), ctx)).toEqual([]);
  });
});
