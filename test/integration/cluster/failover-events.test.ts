import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { registerAndLogin } from '../../support/build-app.js';
import { readyOn, SHORT_LEASE, useCluster, whenStored, whenWorkers } from '../../support/cluster-nodes.js';
import { createAccount, createFriend } from '../api/helpers.js';

// An account that moved away and comes back after its new owner died must not resume the
// session this node handed over long ago: that session (or its presences) is stale, and what
// the dead owner stored would be stored a second time under other ids.

const cluster = useCluster();
const playing = (name: string) => ({ name, type: 0 });

const node = async (nodeId: string): Promise<App> => (await cluster.node(nodeId, SHORT_LEASE)).app;

describe('events across a hand-off and a take-over', () => {
  it('stores each presence change once when an account comes back to the node that handed it off', async () => {
    const { fake } = cluster;
    const a = await node('node-a');
    const user = await registerAndLogin(a);
    const friendOf = new Map<string, string>();
    for (let i = 0; i < 2; i++) {
      const bot = fake.createBot({});
      const friend = fake.createUser({ username: `friend${i}` });
      fake.createGuild({ botIds: [bot.id], userIds: [friend.id] });
      const { id } = await createAccount(a, user.authorization, { token: bot.token });
      await createFriend(a, user.authorization, id, { discordUserId: friend.id });
      friendOf.set(id, friend.id);
      await a.inject({ method: 'POST', url: `/api/accounts/${id}/start`, headers: { authorization: user.authorization } });
    }
    await whenWorkers([a], () => readyOn(a).length === 2, 'both ready on node-a');

    // node-b joins: node-a hands one account over with its session; node-b resumes it.
    const b = await node('node-b');
    await whenWorkers([a, b], () => readyOn(a).length === 1 && readyOn(b).length === 1, 'one account each');
    const moved = readyOn(b)[0]!;
    const friend = friendOf.get(moved)!;
    const started = whenStored(b, (s) => s.accountId === moved && s.event.activity?.name === 'g1');
    fake.setPresence(friend, { status: 'online', activities: [playing('g1')] });
    await started;

    // node-b loses the database: it fences (stops its worker), node-a takes the account over.
    const identifies = fake.stats().identifies;
    await b.db.connection.close();
    await whenWorkers([a], () => readyOn(a).length === 2, 'node-a took the account back');
    // node-a had nothing fresh to resume (the session moved on with node-b): it identified.
    expect(fake.stats().identifies).toBe(identifies + 1);

    // A change after the take-over: once stored, anything the new worker reported before it is too.
    const marker = whenStored(a, (s) => s.accountId === moved && s.event.activity?.name === 'g2');
    fake.setPresence(friend, { status: 'online', activities: [playing('g2')] });
    await marker;
    const rows = await a.db.models.ActivityHistory.find({ accountId: new Types.ObjectId(moved) }, { kind: 1, activity: 1 }).lean();
    const keys = rows.map((r) => `${r.kind} ${r.activity?.name ?? ''}`).sort();
    expect(keys).toEqual(['activity:end g1', 'activity:start g1', 'activity:start g2', 'online '].sort());
    expect(fake.stats().maxSessionsPerBot).toBe(1);
  }, 150_000);
});
