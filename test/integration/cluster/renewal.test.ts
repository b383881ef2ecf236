import mongoose, { type Connection, Types } from 'mongoose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterCoordinator } from '../../../src/cluster/cluster-coordinator.js';
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
  conn = await mongoose.createConnection(mongo.uri).asPromise();
  models = createModels(conn, { activityRetentionDays: 1, metricsRetentionDays: 1 });
  await Promise.all(Object.values(models).map((m) => m.init()));
});
afterAll(async () => {
  await conn.close();
  await mongo.stop();
});

describe('lease renewal', () => {
  it('goes on every period while placement waits on a worker that never finishes starting', async () => {
    const doc = await models.DiscordAccount.create({
      ownerId: new Types.ObjectId(),
      label: 'slow start',
      token: { ciphertext: Buffer.alloc(1), iv: Buffer.alloc(1), tag: Buffer.alloc(1), keyId: 'k' },
      tokenHint: 'abcd',
      desiredState: 'running',
      // Left by a node that died: placement (not the desired-state poll) takes such a lease over.
      lease: { owner: 'dead-node', expiresAt: new Date(Date.now() - 60_000), epoch: 1 },
    });
    const accountId = doc._id.toHexString();
    // The node's workers, as the coordinator sees them: this start never finishes.
    const workers: LocalWorkers = {
      start: () => new Promise(() => undefined),
      stop: async () => undefined,
      restart: async () => undefined,
      remove: async () => undefined,
      get: () => undefined,
      list: () => [],
      close: async () => undefined,
    };
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
        // Told after every renewal that covered the account: 20 of them span two renew deadlines.
        keepalive: (validFor) => {
          if (validFor.has(accountId) && ++renewals === 20) enough();
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
