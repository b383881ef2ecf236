import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE } from '../../../../src/services/rules/defaults.js';
import {
  parseRule,
  parseRuleOverride,
  RuleValidationError,
} from '../../../../src/services/rules/validate-rule.js';

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof RuleValidationError) return err.problems;
    throw err;
  }
  return [];
};

describe('rule validation', () => {
  it('accepts the default rule', () => {
    expect(parseRule(structuredClone(DEFAULT_RULE))).toEqual(DEFAULT_RULE);
  });

  it('rejects a missing field and names it', () => {
    const { cooldownSeconds: _, ...rest } = DEFAULT_RULE;
    expect(problemsOf(() => parseRule(rest)).join()).toMatch(/cooldownSeconds/);
  });

  it('rejects unknown fields', () => {
    expect(problemsOf(() => parseRule({ ...DEFAULT_RULE, surprise: 1 }))).not.toEqual([]);
  });

  it('rejects an unknown activity kind', () => {
    const rule = { ...DEFAULT_RULE, triggers: [{ kinds: ['sleeping'] }] };
    expect(problemsOf(() => parseRule(rule))).not.toEqual([]);
  });

  it('rejects a malformed clock time', () => {
    const rule = { ...DEFAULT_RULE, quietHours: { start: '24:00', end: '7:00', timeZone: 'UTC' } };
    expect(problemsOf(() => parseRule(rule)).join()).toMatch(/quietHours\/start/);
  });

  it('rejects an unknown time zone', () => {
    const rule = {
      ...DEFAULT_RULE,
      quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' },
    };
    expect(problemsOf(() => parseRule(rule))).toEqual([
      '/quietHours/timeZone: unknown time zone "Mars/Olympus"',
    ]);
  });

  it('rejects a regex that does not compile and says where', () => {
    const rule = {
      ...DEFAULT_RULE,
      triggers: [{}, { name: { match: 'regex', value: '([a-z]' } }],
    };
    expect(problemsOf(() => parseRule(rule))[0]).toMatch(
      /^\/triggers\/1\/name\/value: invalid regex/,
    );
  });

  it('rejects a pattern longer than the limit', () => {
    const rule = {
      ...DEFAULT_RULE,
      triggers: [{ name: { match: 'regex', value: 'a'.repeat(201) } }],
    };
    expect(problemsOf(() => parseRule(rule)).join()).toMatch(/triggers\/0\/name\/value/);
  });

  it('rejects negative cooldowns and fractional caps', () => {
    expect(problemsOf(() => parseRule({ ...DEFAULT_RULE, cooldownSeconds: -1 }))).not.toEqual([]);
    expect(problemsOf(() => parseRule({ ...DEFAULT_RULE, dailyCapPerFriend: 1.5 }))).not.toEqual(
      [],
    );
  });

  it('accepts a partial override with quiet hours removed', () => {
    expect(parseRuleOverride({ cooldownSeconds: 60, quietHours: null })).toEqual({
      cooldownSeconds: 60,
      quietHours: null,
    });
  });

  it('checks regexes in overrides too', () => {
    const override = { triggers: [{ name: { match: 'regex', value: '(?<=x)y' } }] };
    expect(problemsOf(() => parseRuleOverride(override))).toHaveLength(1);
  });

  it('the error carries a code and every problem in its message', () => {
    const err = (() => {
      try {
        parseRule({});
      } catch (e) {
        return e as RuleValidationError;
      }
    })();
    expect(err?.code).toBe('INVALID_RULE');
    expect(err?.message).toMatch(/^invalid rule: .*enabled/);
  });
});
