import { describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { registerAndLogin } from '../../support/build-app.js';
import { readyOn, SHORT_LEASE, useCluster, whenWorkers } from '../../support/cluster-nodes.js';
import { createAccount } from '../api/helpers.js';

// SIGTERM on a node: each account moves as soon as its own worker has stopped (not after the
// slowest one), and the other node takes it on its desired-state poll, not at its next placement.
// Every account keeps its Discord session, even one whose worker was paused past its lease keepalive.

const cluster = useCluster();
/** node-b's placement runs at its join and then only every 250 s: what it takes later comes from its poll. */
const NO_PLACEMENT = { LEASE_MS: '600000', LEASE_RENEW_MS: '250000', LEASE_RENEW_DEADLINE_MS: '300000' };

/** Resolves once the wall clock is past `epochMs`. */
const pastDeadline = (epochMs: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now()) + 1));

describe('graceful stop of a node', () => {
  it('lets each account go once its own worker stopped; the other node takes each on its poll, resuming', async () => {
    const { fake } = cluster;
    // A long grace: the worker held up below stays until the test lets it go. A stopped child
    // misses its heartbeats too: not declared hung while the test holds it.
    const nodeA = await cluster.node('node-a', SHORT_LEASE, { shutdownGraceMs: 120_000, heartbeatMissThreshold: 1_000 });
    const a = nodeA.app;
    const user = await registerAndLogin(a);
    for (let i = 0; i < 3; i++) {
      const bot = fake.createBot({});
      fake.createGuild({ botIds: [bot.id], userIds: [] });
      const { id } = await createAccount(a, user.authorization, { token: bot.token });
      await a.inject({ method: 'POST', url: `/api/accounts/${id}/start`, headers: { authorization: user.authorization } });
    }
    await whenWorkers([a], () => readyOn(a).length === 3, 'all 3 ready on node-a');
    const b: App = (await cluster.node('node-b', NO_PLACEMENT)).app;
    await whenWorkers([a, b], () => readyOn(a).length === 2 && readyOn(b).length === 1, 'node-b got its share');
    const before = fake.stats();

    // One of node-a's workers cannot answer its shutdown.
    const [stuck, other] = readyOn(a) as [string, string];
    const stuckPid = a.supervisor.get(stuck)!.pid!;
    const pausedAt = Date.now();
    process.kill(stuckPid, 'SIGSTOP');
    const closing = cluster.stop(nodeA);
    try {
      // The other account moved while node-a still waits for the stuck worker.
      await whenWorkers([b], () => readyOn(b).includes(other), 'node-b runs the account whose worker stopped');
      // And the stuck worker stays paused past the lease keepalive it last got (at most the renew
      // deadline before the pause; a stopping worker is told no more), as a starved worker on a
      // busy machine may: when it wakes, its lease timer is due before it reads the shutdown
      // waiting in its channel, and it must still hand its session over. This is the scenario's
      // precondition, not a speed threshold: a slower machine only makes the pause longer.
      await pastDeadline(pausedAt + Number(SHORT_LEASE.LEASE_RENEW_DEADLINE_MS));
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
