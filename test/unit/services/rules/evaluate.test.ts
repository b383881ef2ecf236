import { describe, expect, it } from 'vitest';
import { evaluate, triggerMatches } from '../../../../src/services/rules/evaluate.js';
import type { Rule } from '../../../../src/services/rules/rule-schema.js';
import type { ActivityEvent } from '../../../../src/ipc/index.js';

const NOW = new Date('2024-06-01T12:00:00Z');

const gameStart = (name = 'Elden Ring'): ActivityEvent => ({
  discordUserId: '100000000000000001',
  kind: 'activity:start',
  status: 'online',
  activity: { name, type: 'playing' },
  at: NOW.getTime(),
});

const wentOnline: ActivityEvent = {
  discordUserId: '100000000000000001',
  kind: 'online',
  status: 'online',
  at: NOW.getTime(),
};

const rule = (over: Partial<Rule> = {}): Rule => ({
  enabled: true,
  triggers: [{}],
  cooldownSeconds: 0,
  dailyCapPerFriend: 0,
  dailyCapPerAccount: 0,
  ...over,
});

const noHistory = { sentTodayFriend: 0, sentTodayAccount: 0 };

describe('triggers', () => {
  it('an empty trigger matches any event', () => {
    expect(triggerMatches({}, wentOnline)).toBe(true);
  });

  it('a kinds trigger matches only the listed kinds', () => {
    expect(triggerMatches({ kinds: ['online'] }, wentOnline)).toBe(true);
    expect(triggerMatches({ kinds: ['activity:start'] }, wentOnline)).toBe(false);
  });

  it('an activityTypes trigger matches only events with an activity of that type', () => {
    expect(triggerMatches({ activityTypes: ['playing'] }, gameStart())).toBe(true);
    expect(triggerMatches({ activityTypes: ['listening'] }, gameStart())).toBe(false);
    expect(triggerMatches({ activityTypes: ['playing'] }, wentOnline)).toBe(false);
  });

  it('an exact name matches the whole name ignoring case and surrounding spaces', () => {
    expect(triggerMatches({ name: { match: 'exact', value: 'elden ring ' } }, gameStart())).toBe(
      true,
    );
    expect(triggerMatches({ name: { match: 'exact', value: 'Elden' } }, gameStart())).toBe(false);
  });

  it('a substring name matches part of the name ignoring case', () => {
    expect(triggerMatches({ name: { match: 'substring', value: 'RING' } }, gameStart())).toBe(true);
    expect(triggerMatches({ name: { match: 'substring', value: 'ringo' } }, gameStart())).toBe(
      false,
    );
  });

  it('a regex name matches case-insensitively', () => {
    const trigger = { name: { match: 'regex' as const, value: '^elden\\s+r' } };
    expect(triggerMatches(trigger, gameStart('ELDEN RING'))).toBe(true);
    expect(triggerMatches(trigger, gameStart('Dark Souls'))).toBe(false);
  });

  it('a name trigger never matches an event without an activity', () => {
    expect(triggerMatches({ name: { match: 'substring', value: 'a' } }, wentOnline)).toBe(false);
  });

  it('an invalid regex matches nothing instead of throwing', () => {
    expect(triggerMatches({ name: { match: 'regex', value: '(unclosed' } }, gameStart())).toBe(
      false,
    );
  });

  it('every field of one trigger must match', () => {
    const trigger = {
      kinds: ['activity:start' as const],
      activityTypes: ['playing' as const],
      name: { match: 'substring' as const, value: 'souls' },
    };
    expect(triggerMatches(trigger, gameStart('Dark Souls III'))).toBe(true);
    expect(triggerMatches(trigger, gameStart('Elden Ring'))).toBe(false);
  });
});

describe('evaluate', () => {
  it('matches when a trigger matches and nothing else stands in the way', () => {
    expect(evaluate(gameStart(), rule(), noHistory, NOW)).toEqual({ match: true });
  });

  it('any one of several triggers is enough', () => {
    const r = rule({ triggers: [{ kinds: ['offline'] }, { kinds: ['activity:start'] }] });
    expect(evaluate(gameStart(), r, noHistory, NOW)).toEqual({ match: true });
  });

  it('rejects everything when the rule is disabled', () => {
    expect(evaluate(gameStart(), rule({ enabled: false }), noHistory, NOW)).toEqual({
      match: false,
      reason: 'disabled',
    });
  });

  it('an empty trigger list matches nothing', () => {
    expect(evaluate(gameStart(), rule({ triggers: [] }), noHistory, NOW)).toEqual({
      match: false,
      reason: 'no-trigger',
    });
  });

  it('rejects inside the cooldown after the last delivery', () => {
    const counters = { ...noHistory, lastSentAt: NOW.getTime() - 59_000 };
    expect(evaluate(gameStart(), rule({ cooldownSeconds: 60 }), counters, NOW)).toEqual({
      match: false,
      reason: 'cooldown',
    });
  });

  it('matches again once the cooldown has passed exactly', () => {
    const counters = { ...noHistory, lastSentAt: NOW.getTime() - 60_000 };
    expect(evaluate(gameStart(), rule({ cooldownSeconds: 60 }), counters, NOW)).toEqual({
      match: true,
    });
  });

  it('a friend never sent anything is not in cooldown', () => {
    expect(evaluate(gameStart(), rule({ cooldownSeconds: 3600 }), noHistory, NOW).match).toBe(true);
  });

  it('rejects when the friend has reached the daily cap', () => {
    const r = rule({ dailyCapPerFriend: 3 });
    expect(evaluate(gameStart(), r, { sentTodayFriend: 2, sentTodayAccount: 2 }, NOW).match).toBe(
      true,
    );
    expect(evaluate(gameStart(), r, { sentTodayFriend: 3, sentTodayAccount: 3 }, NOW)).toEqual({
      match: false,
      reason: 'friend-cap',
    });
  });

  it('rejects when the account has reached its daily cap', () => {
    const r = rule({ dailyCapPerAccount: 10 });
    expect(evaluate(gameStart(), r, { sentTodayFriend: 0, sentTodayAccount: 10 }, NOW)).toEqual({
      match: false,
      reason: 'account-cap',
    });
  });

  it('a cap of zero means unlimited', () => {
    const counters = { sentTodayFriend: 5000, sentTodayAccount: 90_000 };
    expect(evaluate(gameStart(), rule(), counters, NOW)).toEqual({ match: true });
  });

  it('rejects during quiet hours', () => {
    const r = rule({ quietHours: { start: '11:00', end: '13:00', timeZone: 'UTC' } });
    expect(evaluate(gameStart(), r, noHistory, NOW)).toEqual({
      match: false,
      reason: 'quiet-hours',
    });
  });

  it('reports the earliest reason in the documented order', () => {
    const r = rule({
      quietHours: { start: '00:00', end: '23:59', timeZone: 'UTC' },
      cooldownSeconds: 3600,
      dailyCapPerFriend: 1,
      dailyCapPerAccount: 1,
    });
    const exhausted = { lastSentAt: NOW.getTime(), sentTodayFriend: 1, sentTodayAccount: 1 };
    expect(
      evaluate(wentOnline, { ...r, triggers: [{ kinds: ['offline'] }] }, exhausted, NOW),
    ).toEqual({ match: false, reason: 'no-trigger' });
    expect(evaluate(gameStart(), r, exhausted, NOW)).toEqual({
      match: false,
      reason: 'quiet-hours',
    });
    const { quietHours: _, ...awake } = r;
    expect(evaluate(gameStart(), awake, exhausted, NOW)).toEqual({
      match: false,
      reason: 'cooldown',
    });
    expect(evaluate(gameStart(), { ...awake, cooldownSeconds: 0 }, exhausted, NOW)).toEqual({
      match: false,
      reason: 'friend-cap',
    });
  });
});
