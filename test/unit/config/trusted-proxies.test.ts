import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/dev-secrets.js';
import { trustedProxies } from '../../../src/config/trusted-proxies.js';

describe('TRUST_PROXY', () => {
  it('trusts nobody when empty', () => {
    const trust = trustedProxies(' ');
    expect(trust('127.0.0.1', 0)).toBe(false);
  });

  it('trusts the listed addresses, subnets and names only', () => {
    const trust = trustedProxies('loopback, 10.1.0.0/16,192.0.2.7');
    expect(['127.0.0.1', '::1', '10.1.200.3', '192.0.2.7'].map((a) => trust(a, 0))).toEqual([true, true, true, true]);
    expect(['10.2.0.1', '192.0.2.8', '203.0.113.1'].map((a) => trust(a, 0))).toEqual([false, false, false]);
  });

  it('refuses a value that is not an address, a subnet or a known name, naming the setting', () => {
    expect(() => trustedProxies('10.0.0.1,proxy.example.com')).toThrow(ConfigError);
    expect(() => trustedProxies('10.0.0.1/99')).toThrow(/^TRUST_PROXY: /);
  });
});
