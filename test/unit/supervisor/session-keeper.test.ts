import { describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../../src/ipc/index.js';
import { activityEventId, applyEvent, SessionKeeper } from '../../../src/supervisor/session-keeper.js';

const FRIEND = '200000000000000001';
const BOT = { botUserId: '100000000000000001', botUsername: 'bot', guildCount: 2 };
const SESSION = { sessionId: 'session-a', resumeUrl: 'wss://resume.example', seq: 2 };
const event = (kind: ActivityEvent['kind'], status: ActivityEvent['status'], name?: string): ActivityEvent => ({
  discordUserId: FRIEND,
  kind,
  status,
  ...(name && { activity: { name, type: 'playing' as const } }),
  at: 1,
});

function keeperAt(start = 1_000) {
  const clock = { now: start };
  const keeper = new SessionKeeper(60_000, () => clock.now);
  keeper.onSession('acc', SESSION);
  keeper.onReady('acc', BOT);
  return { keeper, clock };
}

describe('SessionKeeper', () => {
  it('hands over the session at the last dispatch received, with the presences it implied', () => {
    const { keeper } = keeperAt();
    keeper.onActivity('acc', { seq: 3, events: [], baseline: { [FRIEND]: { status: 'offline', activities: [] } } });
    keeper.onActivity('acc', { seq: 7, events: [event('online', 'online'), event('activity:start', 'online', 'Factorio')] });

    expect(keeper.handOver('acc')).toMatchObject({
      session: { ...SESSION, seq: 7, ...BOT },
      baseline: { [FRIEND]: { status: 'online', activities: [{ name: 'Factorio', type: 'playing' }] } },
    });
  });

  it('advances with heartbeats but never goes back', () => {
    const { keeper } = keeperAt();
    keeper.onHeartbeat('acc', 9);
    keeper.onHeartbeat('acc', 4);
    expect(keeper.handOver('acc')?.session.seq).toBe(9);
  });

  it('hands over nothing once the session was not heard of for the resume window', () => {
    const { keeper, clock } = keeperAt();
    clock.now += 60_001;
    expect(keeper.handOver('acc')).toBeUndefined();
    expect(keeper.accounts()).toEqual([]);
  });

  it('keeps its own session over an older persisted one, and takes a fresher one', () => {
    const { keeper } = keeperAt(5_000);
    const persisted = { session: { ...SESSION, sessionId: 'session-b', ...BOT }, baseline: {}, seenAt: 4_000 };
    keeper.adopt('acc', persisted);
    expect(keeper.handOver('acc')?.session.sessionId).toBe('session-a');
    keeper.adopt('acc', { ...persisted, seenAt: 6_000 });
    expect(keeper.handOver('acc')?.session.sessionId).toBe('session-b');
  });

  it('stamps each event with an id that the same change replayed in the same dispatch gets again', () => {
    const { keeper } = keeperAt();
    const [first] = keeper.onActivity('acc', { seq: 5, events: [event('online', 'online')] });
    expect(first?.id).toBe(activityEventId('acc', SESSION.sessionId, 5, event('online', 'online')));
    expect(first?.id).toMatch(/^[0-9a-f]{24}$/);
    expect(activityEventId('acc', SESSION.sessionId, 6, event('online', 'online'))).not.toBe(first?.id);
    expect(activityEventId('acc', 'session-b', 5, event('online', 'online'))).not.toBe(first?.id);
  });

  it('gives a change the same id in every version (a replay after an upgrade must match what is stored)', () => {
    const change = { discordUserId: '123', kind: 'activity:start', status: 'online', at: 1, activity: { type: 'playing', name: 'Chess' } } as const;
    // sha256 of the parts joined by NUL, first 24 hex digits.
    expect(activityEventId('acc', 'sess', 5, change)).toBe('cfb0312e3e4b437fa3f650e9');
  });

  it('hands over no session its worker ended (fenced), but keeps the presences for the worker that identifies next', () => {
    const { keeper } = keeperAt();
    keeper.onActivity('acc', { seq: 3, events: [event('online', 'online')] });
    keeper.endSession('acc', 'another-session');
    expect(keeper.handOver('acc')?.session.sessionId).toBe('session-a');
    expect(keeper.presencesAfterEnd('acc')).toBeUndefined();

    keeper.endSession('acc', SESSION.sessionId);
    expect(keeper.handOver('acc')).toBeUndefined();
    expect(keeper.accounts()).toEqual([]);
    expect(keeper.presencesAfterEnd('acc')).toEqual({ [FRIEND]: { status: 'online', activities: [] } });
    // The next worker's session replaces it, and is handed over as usual.
    keeper.onSession('acc', { ...SESSION, sessionId: 'session-c' });
    expect(keeper.handOver('acc')?.session.sessionId).toBe('session-c');
    expect(keeper.presencesAfterEnd('acc')).toBeUndefined();
  });

  it('does not adopt a persisted copy of a session its worker ended, saved before it heard of the end', () => {
    const { keeper } = keeperAt(5_000);
    const persisted = { session: { ...SESSION, ...BOT }, baseline: {}, seenAt: 6_000 };
    keeper.endSession('acc', SESSION.sessionId);
    keeper.adopt('acc', persisted);
    expect(keeper.handOver('acc')).toBeUndefined();
    keeper.adopt('acc', { ...persisted, session: { ...persisted.session, sessionId: 'session-b' } });
    expect(keeper.handOver('acc')?.session.sessionId).toBe('session-b');
  });

  it('keeps the presences of an ended session no longer than a session would be handed over', () => {
    const { keeper, clock } = keeperAt();
    keeper.onActivity('acc', { seq: 3, events: [event('online', 'online')] });
    keeper.endSession('acc', SESSION.sessionId);
    clock.now += 60_001;
    expect(keeper.presencesAfterEnd('acc')).toBeUndefined();
  });

  it('forgets an account', () => {
    const { keeper } = keeperAt();
    keeper.forget('acc');
    expect(keeper.handOver('acc')).toBeUndefined();
  });
});

describe('applyEvent', () => {
  it('reads a diff backwards: going offline clears activities, start and end add and remove one', () => {
    const playingNow = applyEvent(applyEvent(undefined, event('online', 'online')), event('activity:start', 'online', 'Chess'));
    expect(playingNow).toEqual({ status: 'online', activities: [{ name: 'Chess', type: 'playing' }] });
    expect(applyEvent(playingNow, event('activity:end', 'idle', 'Chess'))).toEqual({ status: 'idle', activities: [] });
    expect(applyEvent(playingNow, event('offline', 'offline'))).toEqual({ status: 'offline', activities: [] });
  });
});
