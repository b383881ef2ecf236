import mongoose, { type Connection, Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseRepository } from '../../../src/cluster/lease-repository.js';
import { NodeRegistry } from '../../../src/cluster/node-registry.js';
import { createModels, type Models } from '../../../src/models/index.js';
import { startTestMongo, type TestMongo } from '../../support/test-mongo.js';

const LEASE_MS = 15_000;
let mongo: TestMongo;
/** Two nodes: two connections (two connection pools) to the one database. */
let conns: Connection[];
let models: Models[];

beforeAll(async () => {
  mongo = await startTestMongo();
  conns = await Promise.all([0, 1].map(() => mongoose.createConnection(mongo.uri).asPromise()));
  models = conns.map((c) => createModels(c, { activityRetentionDays: 1, metricsRetentionDays: 1 }));
  await Promise.all(Object.values(models[0]!).map((m) => m.init()));
});
afterAll(async () => {
  await Promise.all(conns.map((c) => c.close()));
  await mongo.stop();
});

async function account(desiredState: 'running' | 'stopped' = 'running'): Promise<string> {
  const doc = await models[0]!.DiscordAccount.create({
    ownerId: new Types.ObjectId(),
    label: 'x',
    token: { ciphertext: Buffer.alloc(1), iv: Buffer.alloc(1), tag: Buffer.alloc(1), keyId: 'k' },
    tokenHint: 'abcd',
    desiredState,
  });
  return doc._id.toHexString();
}

const repo = (i: number, node: string) => new LeaseRepository(models[i]!, node, LEASE_MS);

describe('LeaseRepository', () => {
  it('lets exactly one of two nodes win each race for a free lease', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, () => account()));
    const a = repo(0, 'node-a');
    const b = repo(1, 'node-b');
    const now = Date.now();
    const results = await Promise.all(ids.flatMap((id) => [a.take(id, now), b.take(id, now)]));
    for (let i = 0; i < ids.length; i++) {
      const pair = [results[2 * i], results[2 * i + 1]];
      expect(pair.filter(Boolean)).toHaveLength(1);
      expect(pair.find(Boolean)).toMatchObject({ epoch: 1, owner: expect.stringMatching(/node-[ab]/) });
    }
  });

  it('refuses a held lease until it expires, then raises the epoch for the new owner', async () => {
    const id = await account();
    const a = repo(0, 'node-a');
    const b = repo(1, 'node-b');
    const t0 = Date.now();
    expect(await a.take(id, t0)).toMatchObject({ owner: 'node-a', epoch: 1 });
    expect(await b.take(id, t0 + LEASE_MS - 1)).toBeUndefined();
    expect(await b.take(id, t0 + LEASE_MS)).toMatchObject({ owner: 'node-b', epoch: 2 });
    // The old owner can neither renew nor release it any more.
    expect(await a.renew([id], t0 + LEASE_MS)).toBe(0);
    await a.release([id]);
    expect((await b.desired(id))?.lease).toMatchObject({ owner: 'node-b', epoch: 2 });
  });

  it('renews all of a node’s leases in one write, and a released lease is free at once', async () => {
    const ids = await Promise.all([account(), account(), account()]);
    const a = repo(0, 'node-a');
    const b = repo(1, 'node-b');
    const t0 = Date.now();
    for (const id of ids) await a.take(id, t0);
    expect(await a.renew(ids, t0 + 1000)).toBe(3);
    expect((await a.desired(ids[0]))?.lease.expiresAt).toBe(t0 + 1000 + LEASE_MS);
    await a.release([ids[0]]);
    expect(await b.take(ids[0], t0 + 1001)).toMatchObject({ owner: 'node-b', epoch: 2 });
    expect(await a.renew(ids, t0 + 2000)).toBe(2);
  });

  it('keeps the epoch when the owner takes its own lease again, and never takes a stopped account', async () => {
    const id = await account();
    const a = repo(0, 'node-a');
    const t0 = Date.now();
    await a.take(id, t0);
    expect(await a.take(id, t0 + 2 * LEASE_MS)).toMatchObject({ owner: 'node-a', epoch: 1 });
    const stopped = await account('stopped');
    expect(await a.take(stopped, t0)).toBeUndefined();
  });

  it("polls a node's own accounts and the free running ones in one query", async () => {
    const a = repo(0, 'node-c');
    const mine = await account();
    const free = await account();
    const stopped = await account('stopped');
    await a.take(mine, Date.now());
    const watched = await a.watched();
    expect(watched.get(mine)?.lease.owner).toBe('node-c');
    expect(watched.get(free)?.lease.owner).toBeNull();
    expect(watched.has(stopped)).toBe(false);
  });

  it('lists expired leases of running accounts', async () => {
    const id = await account();
    const t0 = Date.now();
    await repo(0, 'node-dead').take(id, t0 - 2 * LEASE_MS);
    expect(await repo(1, 'node-b').expired(t0, 1000)).toContain(id);
  });
});

describe('NodeRegistry', () => {
  it('lists nodes whose heartbeat is younger than a lease, and forgets one that leaves', async () => {
    const now = Date.now();
    const a = new NodeRegistry(models[0]!, 'reg-a', { capacity: Infinity, version: '1', leaseMs: LEASE_MS });
    const b = new NodeRegistry(models[1]!, 'reg-b', { capacity: 5, version: '1', leaseMs: LEASE_MS });
    await a.heartbeat(now, 3);
    await b.heartbeat(now - LEASE_MS, 1);
    const live = (await a.live(now)).filter((n) => n.id.startsWith('reg-'));
    expect(live).toEqual([expect.objectContaining({ id: 'reg-a', accounts: 3, capacity: Infinity })]);
    await b.heartbeat(now, 1);
    expect((await b.live(now)).filter((n) => n.id.startsWith('reg-')).map((n) => [n.id, n.capacity])).toEqual([
      ['reg-b', 5],
      ['reg-a', Infinity],
    ]);
    await a.leave();
    expect((await b.live(now)).map((n) => n.id)).not.toContain('reg-a');
  });
});
