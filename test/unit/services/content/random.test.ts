import { describe, expect, it } from 'vitest';
import { pickWeighted, sample } from '../../../../src/services/content/random.js';

const weight = (e: { w: number }) => e.w;
const at = (x: number) => () => x;

describe('weighted choice', () => {
  const entries = [
    { id: 'a', w: 1 },
    { id: 'b', w: 0 },
    { id: 'c', w: 3 },
  ];

  it('maps the random point onto the weights in order', () => {
    expect(pickWeighted(entries, weight, at(0))?.id).toBe('a');
    expect(pickWeighted(entries, weight, at(0.249))?.id).toBe('a');
    expect(pickWeighted(entries, weight, at(0.25))?.id).toBe('c');
    expect(pickWeighted(entries, weight, at(0.999999))?.id).toBe('c');
  });

  it('never chooses an entry of weight zero', () => {
    const zeroFirst = [
      { id: 'z', w: 0 },
      { id: 'y', w: 2 },
    ];
    expect(pickWeighted(zeroFirst, weight, at(0))?.id).toBe('y');
  });

  it('chooses nothing when no entry has weight', () => {
    expect(pickWeighted([{ id: 'z', w: 0 }], weight, Math.random)).toBeUndefined();
    expect(pickWeighted([], weight, Math.random)).toBeUndefined();
  });

  it('follows the weights over many draws', () => {
    let seed = 7;
    const lcg = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 8000; i++) counts[pickWeighted(entries, weight, lcg)?.id as 'a']++;
    expect(counts.b).toBe(0);
    expect(counts.c / counts.a).toBeGreaterThan(2.5);
    expect(counts.c / counts.a).toBeLessThan(3.5);
  });
});

describe('sample', () => {
  it('returns distinct entries, as many as asked', () => {
    const picked = sample([1, 2, 3, 4, 5], 3, Math.random);
    expect(new Set(picked).size).toBe(3);
  });

  it('returns everything when asked for more than there is', () => {
    expect(sample([1, 2], 10, Math.random).sort()).toEqual([1, 2]);
  });

  it('does not change its input', () => {
    const input = [1, 2, 3];
    sample(input, 3, at(0.99));
    expect(input).toEqual([1, 2, 3]);
  });
});
