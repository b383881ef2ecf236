import { describe, expect, it } from 'vitest';
import { nameMatches, regexProblem } from '../../../../src/services/rules/name-matcher.js';

describe('name matching', () => {
  it('exact matching ignores case and Unicode compatibility forms', () => {
    expect(nameMatches({ match: 'exact', value: 'ＦＩＦＡ 24' }, 'fifa 24')).toBe(true);
    expect(nameMatches({ match: 'exact', value: 'Éclair' }, 'éCLAIR')).toBe(true);
  });

  it('substring matching ignores case', () => {
    expect(nameMatches({ match: 'substring', value: 'craft' }, 'Minecraft')).toBe(true);
  });

  it('regex matching is case-insensitive without flags in the pattern', () => {
    expect(nameMatches({ match: 'regex', value: '^mine.*' }, 'MINECRAFT')).toBe(true);
  });

  it('a regex that would backtrack catastrophically runs in linear time and answers', () => {
    // On a backtracking engine this pattern against 50 000 "a"s would never finish.
    const input = `${'a'.repeat(50_000)}!`;
    expect(nameMatches({ match: 'regex', value: '^(a+)+$' }, input)).toBe(false);
    expect(nameMatches({ match: 'regex', value: '(a|aa)*b' }, input)).toBe(false);
  });

  it('reports syntax errors in a pattern', () => {
    expect(regexProblem('(unclosed')).toMatch(/invalid regex "\(unclosed": .*missing closing \)/);
  });

  it('rejects look-around and back-references, which RE2 cannot run in linear time', () => {
    expect(regexProblem('(?=a)b')).toBeDefined();
    expect(regexProblem('(a)\\1')).toBeDefined();
  });

  it('accepts an ordinary pattern', () => {
    expect(regexProblem('^(elden|dark) (ring|souls)')).toBeUndefined();
  });
});
