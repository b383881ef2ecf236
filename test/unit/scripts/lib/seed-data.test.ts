import { describe, expect, it } from 'vitest';
import { SEED_DATA, type SeedData, seedDataProblems } from '../../../../scripts/lib/seed-data.js';

const copy = (): SeedData => structuredClone(SEED_DATA);

describe('seedDataProblems', () => {
  it('finds nothing wrong with the shipped seed data', () => {
    expect(seedDataProblems(SEED_DATA)).toEqual([]);
  });

  it('reports a token the API would refuse', () => {
    const data = copy();
    data.accounts[0]!.token = 'not-a-token';
    expect(seedDataProblems(data)).toEqual([expect.stringMatching(/^accounts\[0\]\.token: /)]);
  });

  it('reports a friend rule whose regex RE2 cannot compile', () => {
    const data = copy();
    data.accounts[0]!.friends[0]!.rules = { triggers: [{ name: { match: 'regex', value: '(?=x)' } }] };
    expect(seedDataProblems(data)).toEqual([expect.stringMatching(/^accounts\[0\]\.friends\[0\]\.rules: invalid rule/)]);
  });

  it('reports a content config the schema refuses', () => {
    const data = copy();
    data.accounts[1]!.settings.content.providers = [{ kind: 'static', weight: 1, items: [] }];
    expect(seedDataProblems(data).join('\n')).toMatch(/accounts\[1\]\.settings/);
  });

  it('reports two accounts with the same label, the key the seed finds them by', () => {
    const data = copy();
    data.accounts[1]!.label = data.accounts[0]!.label;
    expect(seedDataProblems(data)).toContain(`accounts[1].label: "${data.accounts[0]!.label}" is used twice`);
  });
});
