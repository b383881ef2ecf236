import { beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { registerAndLogin } from '../../support/build-app.js';
import { LONG_LEASE, readyOn, SHORT_LEASE, useCluster, whenWorkers } from '../../support/cluster-nodes.js';
import { createAccount } from '../api/helpers.js';

const cluster = useCluster();
const nodes = cluster.nodes;
let user: Awaited<ReturnType<typeof registerAndLogin>>;
const accounts: string[] = [];

const call = (app: App, method: 'GET' | 'POST', url: string) =>
  app.inject({ method, url, headers: { authorization: user.authorization } });

beforeAll(async () => {
  await Promise.all([cluster.node('node-a', LONG_LEASE), cluster.node('node-b', LONG_LEASE)]);
  // In name order, whichever finished starting first: the tests below say which node is which.
  nodes.sort((x, y) => x.app.cluster.nodeId.localeCompare(y.app.cluster.nodeId));
  user = await registerAndLogin(nodes[0]!.app);
  for (let i = 0; i < 4; i++) {
    const bot = cluster.fake.createBot({});
    cluster.fake.createGuild({ botIds: [bot.id], userIds: [] });
    accounts.push((await createAccount(nodes[0]!.app, user.authorization, { token: bot.token })).id);
  }
});

describe('several nodes on one database', () => {
  it('runs each started account on exactly one node, shared fairly', async () => {
    const [a, b] = nodes.map((t) => t.app) as [App, App];
    for (const id of accounts) expect((await call(a, 'POST', `/api/accounts/${id}/start`)).statusCode).toBe(200);
    await whenWorkers([a, b], () => readyOn(a).length === 2 && readyOn(b).length === 2, '2 + 2 ready');
    expect(new Set([...readyOn(a), ...readyOn(b)])).toEqual(new Set(accounts));
    // Each node names itself for the accounts it runs; the other answers for them too (from a
    // cache that may be a few seconds old).
    for (const [app, name] of [[a, 'node-a'], [b, 'node-b']] as const) {
      for (const id of readyOn(app)) {
        expect((await call(app, 'GET', `/api/accounts/${id}`)).json()).toMatchObject({ node: name, state: 'ready' });
      }
    }
    const views = (await call(b, 'GET', '/api/accounts')).json<{ items: Array<{ node: string | null }> }>().items;
    expect(views.map((v) => v.node).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/^node-[ab]$/)]));
    expect(cluster.fake.stats().maxSessionsPerBot).toBe(1);
  }, 120_000);

  it('stops an account from a node that does not run it, answering once its worker has exited', async () => {
    const [a, b] = nodes.map((t) => t.app) as [App, App];
    const onA = readyOn(a)[0]!;
    const res = await call(b, 'POST', `/api/accounts/${onA}/stop`);
    expect(res.json()).toMatchObject({ desiredState: 'stopped', state: 'stopped', node: null });
    expect(a.supervisor.get(onA)?.state).toBe('stopped');
    await call(b, 'POST', `/api/accounts/${onA}/start`);
    await whenWorkers([a, b], () => readyOn(a).length + readyOn(b).length === 4, 'all 4 ready again');
  }, 120_000);

  it('moves the accounts of a node that stops gracefully in seconds, not after the lease', async () => {
    const [a, b] = nodes.map((t) => t.app) as [App, App];
    const before = cluster.fake.stats();
    // The last test's restart may have left the shares uneven: count what node-a runs now.
    const onA = readyOn(a).length;
    expect(onA).toBeGreaterThan(0);
    await cluster.stop(nodes[0]!);
    await whenWorkers([b], () => readyOn(b).length === 4, 'all 4 ready on node-b');
    // Handed over with their gateway sessions: node-b resumed them, nobody identified again.
    expect(cluster.fake.stats().identifies).toBe(before.identifies);
    expect(cluster.fake.stats().resumes).toBeGreaterThanOrEqual(before.resumes + onA);
    const status = (await call(b, 'GET', '/api/status')).json<{ nodes?: Array<{ id: string }> }>();
    expect(a.cluster.counters.releases).toBeGreaterThanOrEqual(onA);
    expect(b.cluster.counters.takes).toBeGreaterThanOrEqual(4);
    expect(status.nodes).toBeUndefined(); // not an admin
    expect(cluster.fake.stats().maxSessionsPerBot).toBe(1);
  }, 120_000);

  it('hands accounts to a node that joins; a node that loses the database fences itself and cannot record', async () => {
    const b = nodes[0]!.app;
    const before = cluster.fake.stats();
    const c = (await cluster.node('node-c', SHORT_LEASE)).app;
    await whenWorkers([b, c], () => readyOn(b).length === 2 && readyOn(c).length === 2, 'node-c took its share');
    expect(b.cluster.counters.handOffs).toBeGreaterThanOrEqual(2);
    // A hand-off carries the session: node-c resumed what node-b let go.
    expect(cluster.fake.stats().identifies).toBe(before.identifies);
    const onC = readyOn(c);

    // node-c can no longer renew: it stops its workers at the deadline, and node-b takes them
    // once the lease has expired.
    await c.db.connection.close();
    await whenWorkers([b, c], () => readyOn(c).length === 0 && readyOn(b).length === 4, 'node-b took over');
    // At least those two (a starved test process may miss a deadline earlier too).
    expect(c.cluster.counters.fencingStops).toBeGreaterThanOrEqual(2);
    expect(b.cluster.counters.takeovers).toBeGreaterThanOrEqual(2);
    expect(cluster.fake.stats().maxSessionsPerBot).toBe(1);

    // The stale owner records nothing for an account it lost.
    expect(c.cluster.holds(onC[0]!)).toBe(false);
    c.activity.record(onC[0]!, { discordUserId: '100000000000000001', kind: 'online', status: 'online', at: Date.now() });
    await c.activity.flush();
    expect(c.activity.counts.fenced).toBe(1);
  }, 150_000);
});
