import { describe, expect, it } from 'vitest';
import { isFree, isHeldBy, type Lease, NO_LEASE, release, renew, take } from '../../../src/cluster/lease.js';
import { LEASE_DEFAULTS, leaseTimingProblem } from '../../../src/cluster/lease-timing.js';
import { mustFence, validUntil } from '../../../src/cluster/fencing.js';

const LEASE = 15_000;
const held = (owner: string, expiresAt: number, epoch = 1): Lease => ({ owner, expiresAt, epoch });

describe('take', () => {
  it('takes a lease nobody ever held, as epoch 1', () => {
    expect(take(NO_LEASE, 'a', 1000, LEASE)).toEqual({ owner: 'a', expiresAt: 16_000, epoch: 1 });
  });

  it('refuses a lease another node holds until it expires, then raises the epoch', () => {
    const lease = held('a', 16_000, 4);
    expect(take(lease, 'b', 15_999, LEASE)).toBeUndefined();
    expect(take(lease, 'b', 16_000, LEASE)).toEqual({ owner: 'b', expiresAt: 31_000, epoch: 5 });
  });

  it('takes a released lease at once, raising the epoch', () => {
    const released = release(held('a', 16_000, 4), 'a');
    expect(released).toEqual({ owner: null, expiresAt: null, epoch: 4 });
    expect(take(released, 'b', 2000, LEASE)).toEqual({ owner: 'b', expiresAt: 17_000, epoch: 5 });
  });

  it("extends its own lease, expired or not, without changing the epoch", () => {
    expect(take(held('a', 16_000, 4), 'a', 20_000, LEASE)).toEqual({ owner: 'a', expiresAt: 35_000, epoch: 4 });
  });
});

describe('renew and release', () => {
  it('renews only its own lease', () => {
    expect(renew(held('a', 16_000, 2), 'a', 3000, LEASE)).toEqual({ owner: 'a', expiresAt: 18_000, epoch: 2 });
    expect(renew(held('b', 16_000, 2), 'a', 3000, LEASE)).toBeUndefined();
    expect(renew(NO_LEASE, 'a', 3000, LEASE)).toBeUndefined();
  });

  it("never releases another node's lease", () => {
    const lease = held('b', 16_000, 2);
    expect(release(lease, 'a')).toBe(lease);
  });

  it('tells held from free by owner and expiry', () => {
    expect(isHeldBy(held('a', 16_000), 'a', 15_999)).toBe(true);
    expect(isHeldBy(held('a', 16_000), 'a', 16_000)).toBe(false);
    expect(isHeldBy(held('a', 16_000), 'b', 1)).toBe(false);
    expect(isFree(held('a', 16_000), 15_999)).toBe(false);
    expect(isFree(held('a', 16_000), 16_000)).toBe(true);
    expect(isFree(NO_LEASE, 0)).toBe(true);
  });
});

describe('fencing', () => {
  it('gives a lease up at the renew deadline after the last renewal sent, before it can expire', () => {
    const { renewDeadlineMs, leaseMs, renewMs } = LEASE_DEFAULTS;
    expect(mustFence(1000, 1000 + renewDeadlineMs - 1, renewDeadlineMs)).toBe(false);
    expect(mustFence(1000, 1000 + renewDeadlineMs, renewDeadlineMs)).toBe(true);
    // Checked once per renew period: the latest stop still comes before the lease expires.
    expect(validUntil(1000, renewDeadlineMs) + renewMs).toBeLessThan(1000 + leaseMs);
  });
});

describe('lease timing', () => {
  it('accepts the defaults (client-go leader election)', () => {
    expect(LEASE_DEFAULTS).toEqual({ leaseMs: 15_000, renewMs: 2_000, renewDeadlineMs: 10_000 });
    expect(leaseTimingProblem(LEASE_DEFAULTS)).toBeUndefined();
  });

  it('refuses a deadline that leaves no renew period before the lease expires', () => {
    expect(leaseTimingProblem({ leaseMs: 12_000, renewMs: 2_000, renewDeadlineMs: 10_000 })).toMatch(/shorter than LEASE_MS/);
    expect(leaseTimingProblem({ leaseMs: 15_000, renewMs: 5_000, renewDeadlineMs: 4_000 })).toMatch(/longer than LEASE_RENEW_MS/);
    expect(leaseTimingProblem({ leaseMs: 15_000, renewMs: 0, renewDeadlineMs: 4_000 })).toMatch(/positive/);
  });
});
