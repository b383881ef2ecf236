import { describe, expect, it } from 'vitest';
import { LoadCache } from '../../../src/utils/load-once.js';

describe('LoadCache', () => {
  it('loads a key once, and again after a failed load, without dropping what replaced the failed one', async () => {
    const cache = new LoadCache<string, number>();
    let calls = 0;
    const load = () => Promise.resolve(++calls);
    expect(await Promise.all([cache.get('a', load), cache.get('a', load)])).toEqual([1, 1]);

    let fail!: (err: Error) => void;
    const failing = cache.get('b', () => new Promise<number>((_, reject) => (fail = reject)));
    cache.delete('b'); // invalidated while loading…
    const fresh = cache.get('b', load); // …and loaded anew
    fail(new Error('database down'));
    await expect(failing).rejects.toThrow('database down');
    expect(cache.current('b')).toBe(fresh);

    const broken = cache.get('c', () => Promise.reject(new Error('once')));
    await expect(broken).rejects.toThrow('once');
    expect(cache.peek('c')).toBeUndefined();
    expect(await cache.get('c', load)).toBe(3);
  });

  it('answers synchronously once a load has settled, and never keeps a load that a delete dropped', async () => {
    const cache = new LoadCache<string, string>();
    let finish!: (value: string) => void;
    const loading = cache.get('a', () => new Promise<string>((resolve) => (finish = resolve)));
    expect(cache.peek('a')).toBeUndefined();
    finish('first');
    await loading;
    expect(cache.peek('a')).toBe('first');

    let stale!: (value: string) => void;
    cache.delete('a');
    const dropped = cache.get('a', () => new Promise<string>((resolve) => (stale = resolve)));
    cache.delete('a'); // the account changed while its load ran
    stale('stale');
    await dropped;
    expect(cache.peek('a')).toBeUndefined();
    expect(cache.current('a')).toBeUndefined();
  });
});
