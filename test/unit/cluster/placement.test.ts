import { describe, expect, it } from 'vitest';
import { fairShare, fairShares } from '../../../src/cluster/fair-share.js';
import { planPlacement } from '../../../src/cluster/placement.js';

const nodes = (...capacities: number[]) => capacities.map((capacity, i) => ({ id: `n${i}`, capacity }));
const owned = (n: number, ready = true) => Array.from({ length: n }, (_, i) => ({ accountId: `a${String(i).padStart(3, '0')}`, ready }));

describe('fair share', () => {
  it('is running accounts over live nodes, rounded up', () => {
    expect(fairShare(90, nodes(Infinity, Infinity, Infinity), 'n0')).toBe(30);
    expect(fairShare(91, nodes(Infinity, Infinity, Infinity), 'n2')).toBe(31);
    expect(fairShare(7, nodes(Infinity), 'n0')).toBe(7);
    expect(fairShare(0, nodes(Infinity, Infinity), 'n1')).toBe(0);
  });

  it('is nothing for a node that is not live', () => {
    expect(fairShare(10, nodes(Infinity), 'elsewhere')).toBe(0);
  });

  it('caps a node at its capacity and gives the rest to the others', () => {
    const shares = fairShares(90, nodes(10, Infinity, Infinity));
    expect(shares.get('n0')).toBe(10);
    expect(shares.get('n1')).toBe(40);
    expect(shares.get('n2')).toBe(40);
  });

  it('places at most the total capacity', () => {
    const shares = fairShares(100, nodes(10, 20));
    expect([...shares.values()].reduce((a, b) => a + b, 0)).toBe(30);
  });
});

describe('placement', () => {
  it('takes free accounts up to its share, all in one period', () => {
    const plan = planPlacement({ share: 45, owned: owned(30), free: Array.from({ length: 30 }, (_, i) => `f${i}`), roomElsewhere: true, maxShedPerPeriod: 2 });
    expect(plan.take).toHaveLength(15);
    expect(plan.shed).toEqual([]);
  });

  it('sheds a few per period when over its share and another node has room', () => {
    const plan = planPlacement({ share: 23, owned: owned(30), free: [], roomElsewhere: true, maxShedPerPeriod: 2 });
    expect(plan).toEqual({ take: [], shed: ['a029', 'a028'] });
  });

  it('sheds workers that are not ready first', () => {
    const accounts = [...owned(3), { accountId: 'slow', ready: false }];
    expect(planPlacement({ share: 2, owned: accounts, free: [], roomElsewhere: true, maxShedPerPeriod: 1 }).shed).toEqual(['slow']);
  });

  it('keeps what it has when nobody else has room', () => {
    expect(planPlacement({ share: 23, owned: owned(30), free: [], roomElsewhere: false, maxShedPerPeriod: 2 }).shed).toEqual([]);
  });

  it('neither takes nor sheds at its share', () => {
    expect(planPlacement({ share: 3, owned: owned(3), free: ['x'], roomElsewhere: true, maxShedPerPeriod: 2 })).toEqual({ take: [], shed: [] });
  });
});
