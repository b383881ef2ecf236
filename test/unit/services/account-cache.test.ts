import { describe, expect, it } from 'vitest';
import { AccountCache } from '../../../src/services/account-cache.js';

const row = (id: string) => ({ _id: { toHexString: () => id } });

function counting(rows: Array<ReturnType<typeof row>>) {
  const calls: string[] = [];
  const load = async (ownerId: string) => {
    calls.push(ownerId);
    return rows;
  };
  return { calls, load };
}

describe('AccountCache', () => {
  it('answers repeated reads of one owner from memory', async () => {
    const { calls, load } = counting([row('a'), row('b')]);
    const cache = new AccountCache(load);
    expect(await cache.get('owner')).toHaveLength(2);
    expect(await cache.get('owner')).toHaveLength(2);
    expect(calls).toEqual(['owner']);
  });

  it('reloads after the owner is invalidated, or after one of their accounts is', async () => {
    const { calls, load } = counting([row('a')]);
    const cache = new AccountCache(load);
    await cache.get('owner');
    cache.invalidateOwner('owner');
    await cache.get('owner');
    cache.invalidateAccount('a');
    await cache.get('owner');
    expect(calls).toEqual(['owner', 'owner', 'owner']);
  });

  it('reloads once the entry is older than the TTL', async () => {
    const { calls, load } = counting([row('a')]);
    const cache = new AccountCache(load, { ttlMs: 0 });
    await cache.get('owner');
    await cache.get('owner');
    expect(calls).toHaveLength(2);
  });

  it('declines owners with more accounts than it keeps', async () => {
    const { load } = counting([row('a'), row('b'), row('c')]);
    const cache = new AccountCache(load, { maxAccountsPerOwner: 2 });
    expect(await cache.get('owner')).toBeUndefined();
  });

  it('evicts the oldest owner past its size', async () => {
    const { calls, load } = counting([row('a')]);
    const cache = new AccountCache(load, { maxOwners: 1 });
    await cache.get('first');
    await cache.get('second');
    await cache.get('first');
    expect(calls).toEqual(['first', 'second', 'first']);
  });

  it('does not keep a failed load', async () => {
    let fail = true;
    const cache = new AccountCache(async () => {
      if (fail) throw new Error('db down');
      return [row('a')];
    });
    await expect(cache.get('owner')).rejects.toThrow('db down');
    fail = false;
    expect(await cache.get('owner')).toHaveLength(1);
  });
});
