import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE } from '../../../../src/services/rules/defaults.js';
import { resolveRule } from '../../../../src/services/rules/resolve-rule.js';

const tokyoNights = { start: '22:00', end: '07:00', timeZone: 'Asia/Tokyo' };

describe('resolving a friend rule over account defaults', () => {
  it('with no layers gives the built-in default', () => {
    expect(resolveRule()).toEqual(DEFAULT_RULE);
  });

  it('later layers win field by field', () => {
    const rule = resolveRule(
      { cooldownSeconds: 600, dailyCapPerFriend: 2 },
      { dailyCapPerFriend: 7 },
    );
    expect(rule.cooldownSeconds).toBe(600);
    expect(rule.dailyCapPerFriend).toBe(7);
    expect(rule.dailyCapPerAccount).toBe(DEFAULT_RULE.dailyCapPerAccount);
  });

  it('a friend inherits the account quiet hours', () => {
    expect(resolveRule({ quietHours: tokyoNights }, { cooldownSeconds: 1 }).quietHours).toEqual(
      tokyoNights,
    );
  });

  it('quietHours null removes inherited quiet hours', () => {
    expect(resolveRule({ quietHours: tokyoNights }, { quietHours: null })).not.toHaveProperty(
      'quietHours',
    );
  });

  it('triggers are replaced, not appended', () => {
    const rule = resolveRule({ triggers: [{ kinds: ['online'] }] });
    expect(rule.triggers).toEqual([{ kinds: ['online'] }]);
  });

  it('does not share state with the default between calls', () => {
    const first = resolveRule();
    first.triggers.push({ kinds: ['offline'] });
    expect(resolveRule().triggers).toEqual(DEFAULT_RULE.triggers);
  });
});
