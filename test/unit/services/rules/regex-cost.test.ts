import { describe, expect, it } from 'vitest';
import { regexCostProblem } from '../../../../src/services/rules/regex-cost.js';

describe('regexCostProblem', () => {
  it.each(['^elden ring', 'x{100}', '(ab|cd){50}', '[a-z]{50}', 'minecraft|terraria', '\\d+'])('accepts %s', (p) => {
    expect(regexCostProblem(p)).toBeUndefined();
  });

  it('refuses a repetition count over 100', () => {
    expect(regexCostProblem('(a|aa|\\pL|x){1000}')).toMatch(/repetition count 1000/);
  });

  it('multiplies nested repetitions and weighs Unicode classes', () => {
    expect(regexCostProblem('((a{10}){10}){10}')).toMatch(/too complex/);
    expect(regexCostProblem('(\\pL{10}){10}')).toMatch(/too complex/);
    expect(regexCostProblem('(a|aa|aaa|aaaa|\\pL|x){100}')).toMatch(/too complex/);
  });
});
