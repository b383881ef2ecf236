import type { CommandStartedEvent } from 'mongodb';
import mongoose, { type Connection, Types } from 'mongoose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterCoordinator } from '../../../src/cluster/cluster-coordinator.js';
import { HeldLeases, keepaliveDue } from '../../../src/cluster/held-leases.js';
import type { LocalWorkers } from '../../../src/cluster/coordinator-ports.js';
import { LeaseRepository } from '../../../src/cluster/lease-repository.js';
import { NodeRegistry } from '../../../src/cluster/node-registry.js';
import { createModels, type Models } from '../../../src/models/index.js';
import { startTestMongo, type TestMongo } from '../../support/test-mongo.js';

// A node renews its leases on time even while placement is slow (workers that take long to
// start on a busy machine): a renewal queued behind placement would miss the deadline and make
// the node fence — stop — its own healthy workers.

const TIMING = { leaseMs: 3_000, renewMs: 100, renewDeadlineMs: 1_000 };
let mongo: TestMongo;
let conn: Connection;
let models: Models;

beforeAll(async () => {
  mongo = await startTestMongo();
  // Command events: the poll test counts the queries.
  conn = await mongoose.createConnection(mongo.uri, { monitorCommands: true }).asPromise();
  models = createModels(conn, { activityRetentionDays: 1, metricsRetentionDays: 1 });
  await Promise.all(Object.values(models).map((m) => m.init()));
});
afterAll(async () => {
  await conn.close();
  await mongo.stop();
});

/** A running account (a stand-in token): its id. */
async function runningAccount(label: string, lease?: { owner: string; expiresAt: Date; epoch: number }): Promise<string> {
  const doc = await models.DiscordAccount.create({
    ownerId: new Types.ObjectId(),
    label,
    token: { ciphertext: Buffer.alloc(1), iv: Buffer.alloc(1), tag: Buffer.alloc(1), keyId: 'k' },
    tokenHint: 'abcd',
    desiredState: 'running',
    ...(lease && { lease }),
  });
  return doc._id.toHexString();
}

/** The node's workers, as the coordinator sees them, with the given `start`. */
function workersStarting(start: LocalWorkers['start']): LocalWorkers {
  return {
    start,
    stop: async () => undefined,
    restart: async () => undefined,
    remove: async () => undefined,
    get: () => undefined,
    list: () => [],
    close: async () => undefined,
  };
}

describe('lease renewal', () => {
  it('goes on every period while placement waits on a worker that never finishes starting', async () => {
    // Left by a node that died: placement (not the desired-state poll) takes such a lease over.
    const accountId = await runningAccount('slow start', { owner: 'dead-node', expiresAt: new Date(Date.now() - 60_000), epoch: 1 });
    // This start never finishes.
    const workers = workersStarting(() => new Promise(() => undefined));
    let renewals = 0;
    let enough: () => void = () => undefined;
    const renewedEnough = new Promise<void>((resolve) => (enough = resolve));
    const coordinator = new ClusterCoordinator({
      config: { nodeId: 'slow-node', timing: TIMING, capacity: Number.POSITIVE_INFINITY },
      leases: new LeaseRepository(models, 'slow-node', TIMING.leaseMs),
      registry: new NodeRegistry(models, 'slow-node', { capacity: Number.POSITIVE_INFINITY, version: 'test', leaseMs: TIMING.leaseMs }),
      workers,
      hooks: {
        changed: async () => undefined,
        flush: async () => undefined,
        drain: async () => undefined,
        // The worker is told after every other renewal (keepaliveDue): 10 of them span two renew deadlines.
        keepalive: (validFor) => {
          if (validFor.has(accountId) && ++renewals === 10) enough();
        },
      },
      logger: pino({ level: 'silent' }),
      exclusiveStore: false,
      pollMs: 100,
    });
    void coordinator.join();
    try {
      await renewedEnough;
      expect(coordinator.holds(accountId)).toBe(true);
      expect(coordinator.counters.fencingStops).toBe(0);
    } finally {
      await coordinator.close();
    }
  });
});

describe('lease keepalive to the workers', () => {
  const timing = { renewMs: 2_000, renewDeadlineMs: 10_000 };

  it('tells a worker after every other renewal, never letting what it was told run short', async () => {
    const accountId = await runningAccount('keepalive');
    let clock = Date.now();
    const leases = new LeaseRepository(models, 'keepalive-node', 15_000);
    const told: Array<number | undefined> = [];
    const held = new HeldLeases({
      me: 'keepalive-node',
      ...timing,
      leases,
      workers: { stop: async () => undefined },
      keepalive: (validFor) => told.push(validFor.get(accountId)),
      counters: { takes: 0, takeovers: 0, handOffs: 0, releases: 0, lost: 0, fencingStops: 0, renewFailures: 0 },
      logger: pino({ level: 'silent' }),
      now: () => clock,
      onLost: () => undefined,
    });
    const lease = await leases.take(accountId, clock);
    if (!lease) throw new Error('lease not taken');
    held.set(accountId, { epoch: lease.epoch, basis: clock, appliedVersion: 0, appliedRestartVersion: 0 });
    let workerUntil = 0;
    for (let i = 0; i < 6; i++) {
      clock += timing.renewMs;
      // At each renewal the worker still has what it was told last (the first one hears at once).
      if (i > 0) expect(workerUntil - clock).toBeGreaterThanOrEqual(timing.renewMs / 2);
      await held.renew();
      const ms = told.at(-1);
      if (ms !== undefined) workerUntil = clock + ms;
    }
    expect(told).toEqual([10_000, undefined, 10_000, undefined, 10_000, undefined]);
    expect(held.trusts(accountId)).toBe(true);
  });

  it('is due at every renewal when the deadline leaves no room to skip one', () => {
    const tight = { renewMs: 2_000, renewDeadlineMs: 2_500 };
    const now = 1_000_000;
    // Told 2.5 s just now: skipping the next renewal would leave it 0.5 s, less than 1.5 periods.
    expect(keepaliveDue(now + 2_500, now, tight)).toBe(true);
    expect(keepaliveDue(now + 8_000, now, timing)).toBe(false);
    expect(keepaliveDue(now + 7_000, now, timing)).toBe(true);
  });
});

describe('desired-state poll on a store only this node can reach', () => {
  it('runs once per renew period instead of every pollMs, while a start made here is acted on at once', async () => {
    const timing = { leaseMs: 3_000, renewMs: 300, renewDeadlineMs: 2_000 };
    const started: string[] = [];
    const workers = workersStarting(async (id) => started.push(id));
    const coordinator = new ClusterCoordinator({
      config: { nodeId: 'only-node', timing, capacity: Number.POSITIVE_INFINITY },
      leases: new LeaseRepository(models, 'only-node', timing.leaseMs),
      registry: new NodeRegistry(models, 'only-node', { capacity: Number.POSITIVE_INFINITY, version: 'test', leaseMs: timing.leaseMs }),
      workers,
      hooks: { changed: async () => undefined, flush: async () => undefined, drain: async () => undefined },
      logger: pino({ level: 'silent' }),
      exclusiveStore: true,
      pollMs: 30,
    });
    // Polls (the `$or` query of the accounts) between the 2nd and the 6th heartbeat: 4 renew periods.
    const client = conn.getClient();
    let heartbeats = 0;
    let polls = 0;
    const window = new Promise<void>((resolve) => {
      const onCommand = (ev: CommandStartedEvent) => {
        if (ev.commandName === 'update' && ev.command.update === 'nodes' && ++heartbeats === 6) {
          client.off('commandStarted', onCommand);
          resolve();
        }
        if (heartbeats >= 2 && ev.commandName === 'find' && ev.command.find === 'discordaccounts' && '$or' in (ev.command.filter ?? {})) polls += 1;
      };
      client.on('commandStarted', onCommand);
    });
    try {
      await coordinator.join();
      await window;
      // Every 30 ms this would be about 40; once per 300 ms period, at most one per period (+1 at the edge).
      expect(polls).toBeLessThanOrEqual(5);

      const accountId = await runningAccount('started here');
      await coordinator.reconcile(accountId, { startRequested: true });
      expect(coordinator.holds(accountId)).toBe(true);
      expect(started).toContain(accountId);
    } finally {
      await coordinator.close();
    }
  });
});
