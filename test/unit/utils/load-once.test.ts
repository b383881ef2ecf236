import { describe, expect, it } from 'vitest';
import { loadOnce } from '../../../src/utils/load-once.js';

describe('loadOnce', () => {
  it('loads a key once, and again after a failed load, without dropping what replaced the failed one', async () => {
    const cache = new Map<string, Promise<number>>();
    let calls = 0;
    const load = () => Promise.resolve(++calls);
    expect(await Promise.all([loadOnce(cache, 'a', load), loadOnce(cache, 'a', load)])).toEqual([1, 1]);

    let fail!: (err: Error) => void;
    const failing = loadOnce(cache, 'b', () => new Promise<number>((_, reject) => (fail = reject)));
    cache.delete('b'); // invalidated while loading…
    const fresh = loadOnce(cache, 'b', load); // …and loaded anew
    fail(new Error('database down'));
    await expect(failing).rejects.toThrow('database down');
    expect(cache.get('b')).toBe(fresh);

    const broken = loadOnce(cache, 'c', () => Promise.reject(new Error('once')));
    await expect(broken).rejects.toThrow('once');
    expect(await loadOnce(cache, 'c', load)).toBe(3);
  });
});
