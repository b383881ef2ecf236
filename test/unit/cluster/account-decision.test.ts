import { describe, expect, it } from 'vitest';
import { type DesiredAccount, decideAccount } from '../../../src/cluster/account-decision.js';

const NOW = 100_000;
const running = (lease: DesiredAccount['lease'], v = 1, restartVersion = 0): DesiredAccount => ({
  desiredState: 'running',
  desiredVersion: v,
  restartVersion,
  lease,
});
const stopped = (lease: DesiredAccount['lease'], v = 2): DesiredAccount => ({ ...running(lease, v), desiredState: 'stopped' });
const free = { owner: null, expiresAt: null, epoch: 3 };
const mine = { owner: 'me', expiresAt: NOW + 10_000, epoch: 3 };
const theirs = { owner: 'other', expiresAt: NOW + 10_000, epoch: 4 };
const expiredTheirs = { owner: 'other', expiresAt: NOW - 1, epoch: 4 };

describe('decideAccount', () => {
  it('takes a free running account when allowed, and leaves it otherwise', () => {
    expect(decideAccount(running(free), { held: false }, 'me', NOW, true)).toEqual({ do: 'take' });
    expect(decideAccount(running(expiredTheirs), { held: false }, 'me', NOW, true)).toEqual({ do: 'take' });
    expect(decideAccount(running(free), { held: false }, 'me', NOW, false)).toEqual({ do: 'none' });
  });

  it('re-adopts a lease the database still gives it (after fencing)', () => {
    expect(decideAccount(running(mine), { held: false }, 'me', NOW, false)).toEqual({ do: 'take' });
  });

  it('drops a worker whose lease another node holds', () => {
    expect(decideAccount(running(theirs), { held: true, appliedVersion: 1, workerState: 'ready' }, 'me', NOW, true)).toEqual({ do: 'drop' });
    expect(decideAccount(running(theirs), { held: false, workerState: 'backoff' }, 'me', NOW, true)).toEqual({ do: 'drop' });
    expect(decideAccount(running(theirs), { held: false }, 'me', NOW, true)).toEqual({ do: 'none' });
  });

  it('starts a held account whose worker is not running (desired running, actual stopped heals)', () => {
    expect(decideAccount(running(mine), { held: true, appliedVersion: 1, workerState: 'stopped' }, 'me', NOW, false)).toEqual({ do: 'start' });
    expect(decideAccount(running(mine), { held: true, appliedVersion: 1 }, 'me', NOW, false)).toEqual({ do: 'start' });
  });

  it('leaves crashed and error workers resting until something changes', () => {
    expect(decideAccount(running(mine, 1), { held: true, appliedVersion: 1, workerState: 'error' }, 'me', NOW, false)).toEqual({ do: 'none' });
    expect(decideAccount(running(mine, 2), { held: true, appliedVersion: 1, workerState: 'crashed' }, 'me', NOW, false)).toEqual({ do: 'start' });
  });

  it('passes changes on to a running worker, replacing it for a new token', () => {
    const local = { held: true, appliedVersion: 1, appliedRestartVersion: 0, workerState: 'ready' as const };
    expect(decideAccount(running(mine, 1), local, 'me', NOW, false)).toEqual({ do: 'none' });
    expect(decideAccount(running(mine, 2), local, 'me', NOW, false)).toEqual({ do: 'apply', restart: false });
    expect(decideAccount(running(mine, 2, 1), local, 'me', NOW, false)).toEqual({ do: 'apply', restart: true });
  });

  it('stops a stopped account it runs or owns, and ignores one it has nothing of', () => {
    expect(decideAccount(stopped(mine), { held: true, appliedVersion: 1, workerState: 'ready' }, 'me', NOW, false)).toEqual({ do: 'stop' });
    expect(decideAccount(stopped(mine), { held: false }, 'me', NOW, false)).toEqual({ do: 'stop' });
    expect(decideAccount(stopped(free), { held: false, workerState: 'starting' }, 'me', NOW, false)).toEqual({ do: 'stop' });
    expect(decideAccount(stopped(free), { held: false, workerState: 'stopped' }, 'me', NOW, false)).toEqual({ do: 'none' });
  });

  it('removes a deleted account it knows', () => {
    expect(decideAccount(null, { held: true, workerState: 'ready' }, 'me', NOW, false)).toEqual({ do: 'remove' });
    expect(decideAccount(null, { held: false }, 'me', NOW, false)).toEqual({ do: 'none' });
  });
});
