import { describe, expect, it } from 'vitest';
import { registerAndLogin } from '../../support/build-app.js';
import { LONG_LEASE, readyOn, useCluster, whenWorkers } from '../../support/cluster-nodes.js';
import { createAccount, createFriend } from '../api/helpers.js';

// Any node serves the whole API: what one node creates, the other finds at once, and changes
// made on a node that does not run the account reach the one that does.

const cluster = useCluster();

describe('the API on any node', () => {
  it('finds an account created through another node at once, and passes changes to its owner', async () => {
    const { fake } = cluster;
    const [a, b] = [(await cluster.node('node-a', LONG_LEASE)).app, (await cluster.node('node-b', LONG_LEASE)).app];
    const user = await registerAndLogin(a);
    const auth = { authorization: user.authorization };
    // node-b has the user's account list cached (empty) before the account exists.
    expect((await b.inject({ method: 'GET', url: '/api/accounts', headers: auth })).json()).toMatchObject({ items: [] });
    const bot = fake.createBot({});
    const friends = [fake.createUser({ username: 'first' }), fake.createUser({ username: 'second' })];
    fake.createGuild({ botIds: [bot.id], userIds: friends.map((f) => f.id) });
    const { id } = await createAccount(a, user.authorization, { token: bot.token });
    await createFriend(b, user.authorization, id, { discordUserId: friends[0]!.id });
    expect((await b.inject({ method: 'GET', url: `/api/accounts/${id}`, headers: auth })).statusCode).toBe(200);

    // Settings changed through each node in turn, node-b answering from its cache: neither undoes the other.
    const put = (app: typeof a, settings: Record<string, unknown>) =>
      app.inject({ method: 'PUT', url: `/api/accounts/${id}`, headers: auth, payload: { settings } });
    expect((await put(a, { channelId: '100000000000000001' })).statusCode).toBe(200);
    const both = (await put(b, { deliveryMode: 'dm' })).json<{ settings: Record<string, unknown> }>();
    expect(both.settings).toMatchObject({ channelId: '100000000000000001', deliveryMode: 'dm' });

    await b.inject({ method: 'POST', url: `/api/accounts/${id}/start`, headers: auth });
    await whenWorkers([a, b], () => readyOn(a).length + readyOn(b).length === 1, 'running on one node');
    const [owner, other] = readyOn(a).length === 1 ? [a, b] : [b, a];

    // A friend added through the other node: the owner hands the new list to its worker.
    const told = new Promise<string[]>((resolve) => {
      const updateFriends = owner.supervisor.updateFriends.bind(owner.supervisor);
      owner.supervisor.updateFriends = (accountId, ids) => {
        if (accountId === id && ids.includes(friends[1]!.id)) resolve(ids);
        return updateFriends(accountId, ids);
      };
    });
    await createFriend(other, user.authorization, id, { discordUserId: friends[1]!.id });
    expect((await told).sort()).toEqual(friends.map((f) => f.id).sort());

    // Deleted through the other node: the owner stops and forgets the worker.
    expect((await other.inject({ method: 'DELETE', url: `/api/accounts/${id}`, headers: auth })).statusCode).toBe(204);
    await whenWorkers([owner], () => (owner.supervisor.get(id)?.state ?? 'stopped') === 'stopped', 'the owner stopped the worker');
  }, 120_000);
});
