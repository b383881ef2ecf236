import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../../fake-discord/index.js';
import type { App } from '../../../src/app.js';
import { registerAndLogin, type TestApp } from '../../support/build-app.js';
import { readyOn, SHORT_LEASE, startNode, whenWorkers } from '../../support/cluster-nodes.js';
import { startTestMongo, type TestMongo } from '../../support/test-mongo.js';
import { createAccount } from '../api/helpers.js';

// SIGTERM on a node: each account moves as soon as its own worker has stopped (not after the
// slowest one), and the other node takes it on its desired-state poll, not at its next placement.

let fake: FakeDiscord;
let mongo: TestMongo;
const nodes: TestApp[] = [];
const JWT_SECRET = randomBytes(32).toString('hex');
/** node-b's placement runs at its join and then only every 250 s: what it takes later comes from its poll. */
const NO_PLACEMENT = { LEASE_MS: '600000', LEASE_RENEW_MS: '250000', LEASE_RENEW_DEADLINE_MS: '300000' };

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 1_000 });
  mongo = await startTestMongo();
});
afterAll(async () => {
  for (const t of nodes) await t.close();
  await mongo?.stop();
  await fake?.close();
});

async function node(nodeId: string, lease: Record<string, string>, shutdownGraceMs?: number): Promise<TestApp> {
  const t = await startNode({
    mongoUri: mongo.uri,
    fake,
    jwtSecret: JWT_SECRET,
    nodeId,
    lease,
    // A stopped child misses its heartbeats too: not declared hung while the test holds it.
    ...(shutdownGraceMs === undefined ? {} : { supervisor: { shutdownGraceMs, heartbeatMissThreshold: 1_000 } }),
  });
  nodes.push(t);
  return t;
}

describe('graceful stop of a node', () => {
  it('lets each account go once its own worker stopped; the other node takes each on its poll, resuming', async () => {
    // A long grace: the worker held up below stays until the test lets it go.
    const nodeA = await node('node-a', SHORT_LEASE, 120_000);
    const a = nodeA.app;
    const user = await registerAndLogin(a);
    for (let i = 0; i < 3; i++) {
      const bot = fake.createBot({});
      fake.createGuild({ botIds: [bot.id], userIds: [] });
      const { id } = await createAccount(a, user.authorization, { token: bot.token });
      await a.inject({ method: 'POST', url: `/api/accounts/${id}/start`, headers: { authorization: user.authorization } });
    }
    await whenWorkers([a], () => readyOn(a).length === 3, 'all 3 ready on node-a');
    const b: App = (await node('node-b', NO_PLACEMENT)).app;
    await whenWorkers([a, b], () => readyOn(a).length === 2 && readyOn(b).length === 1, 'node-b got its share');
    const before = fake.stats();

    // One of node-a's workers cannot answer its shutdown.
    const [stuck, other] = readyOn(a) as [string, string];
    const stuckPid = a.supervisor.get(stuck)!.pid!;
    process.kill(stuckPid, 'SIGSTOP');
    const closing = nodeA.close();
    nodes.splice(nodes.indexOf(nodeA), 1);
    try {
      // The other account moved while node-a still waits for the stuck worker.
      await whenWorkers([b], () => readyOn(b).includes(other), 'node-b runs the account whose worker stopped');
      expect(a.supervisor.get(stuck)?.state).toBe('stopping');
    } finally {
      process.kill(stuckPid, 'SIGCONT');
    }
    await closing;
    // node-b held its share (2 of 3 with two nodes): it takes the last one because its poll sees
    // that node-a left, without waiting for a placement round.
    await whenWorkers([b], () => readyOn(b).length === 3, 'node-b runs all 3');
    // Handed over with their sessions: resumed, not identified.
    expect(fake.stats().identifies).toBe(before.identifies);
    expect(fake.stats().resumes).toBeGreaterThanOrEqual(before.resumes + 2);
    expect(fake.stats().maxSessionsPerBot).toBe(1);
  }, 150_000);
});
