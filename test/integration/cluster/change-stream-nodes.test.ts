import { describe, expect, it } from 'vitest';
import { registerAndLogin } from '../../support/build-app.js';
import { LONG_LEASE, readyOn, useCluster, whenWorkers } from '../../support/cluster-nodes.js';
import { createAccount } from '../api/helpers.js';

// Two nodes on one embedded store, which has change streams: a node learns a desired-state
// change made through another node from its change stream. Its own polls are ten minutes apart
// here, so nothing else could tell it within the lease.

const cluster = useCluster();
const TEN_MINUTES = 600_000;

describe('desired state by change stream between nodes', () => {
  it('stops a worker on its node within moments of a stop made through another node', async () => {
    const a = (await cluster.node('node-a', LONG_LEASE, undefined, { pollMs: TEN_MINUTES, safetyPollMs: TEN_MINUTES })).app;
    const b = (await cluster.node('node-b', LONG_LEASE)).app;
    const user = await registerAndLogin(a);
    const headers = { authorization: user.authorization };
    const bot = cluster.fake.createBot({});
    cluster.fake.createGuild({ botIds: [bot.id], userIds: [] });
    const { id } = await createAccount(a, user.authorization, { token: bot.token });
    // Started through node-a, which takes a free account itself.
    expect((await a.inject({ method: 'POST', url: `/api/accounts/${id}/start`, headers })).statusCode).toBe(200);
    await whenWorkers([a], () => readyOn(a).includes(id), 'running on node-a');

    // node-b answers once node-a let the account go (or after the 60 s lease, still running there).
    const stopped = await b.inject({ method: 'POST', url: `/api/accounts/${id}/stop`, headers });
    expect(stopped.json()).toMatchObject({ desiredState: 'stopped', state: 'stopped', node: null });
    expect(a.supervisor.get(id)?.state ?? 'stopped').toBe('stopped');
    expect(a.cluster.desiredStateSource).toBe('change-stream');
  }, 120_000);
});
