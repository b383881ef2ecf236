import { describe, expect, it } from 'vitest';
import { VerifiedTokens } from '../../../src/plugins/verified-tokens.js';

const user = { sub: 'u1', role: 'user' as const };

describe('VerifiedTokens', () => {
  it('knows a verified header until the token expires', () => {
    const tokens = new VerifiedTokens<typeof user>(10, 300_000);
    tokens.remember('Bearer a', user, 2_000, 1_000);
    expect(tokens.get('Bearer a', 1_999)).toBe(user);
    expect(tokens.get('Bearer a', 2_000)).toBeUndefined();
    expect(tokens.get('Bearer a ', 1_500)).toBeUndefined();
  });

  it('forgets a token after the TTL even when it expires later', () => {
    const tokens = new VerifiedTokens<typeof user>(10, 100);
    tokens.remember('Bearer a', user, 10_000, 1_000);
    expect(tokens.get('Bearer a', 1_099)).toBe(user);
    expect(tokens.get('Bearer a', 1_100)).toBeUndefined();
  });

  it('does not keep an expired token, and drops the oldest past its size', () => {
    const tokens = new VerifiedTokens<typeof user>(2, 300_000);
    tokens.remember('Bearer old', user, 500, 1_000);
    expect(tokens.size).toBe(0);
    for (const name of ['a', 'b', 'c']) tokens.remember(`Bearer ${name}`, user, undefined, 1_000);
    expect([tokens.get('Bearer a', 1_000), tokens.get('Bearer b', 1_000), tokens.get('Bearer c', 1_000)]).toEqual([undefined, user, user]);
  });
});
