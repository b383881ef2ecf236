import { beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { REGEX_WRITE_BURST } from '../../../src/services/regex-write-rate.js';
import { registerAndLogin } from '../../support/build-app.js';
import { LONG_LEASE, useCluster } from '../../support/cluster-nodes.js';
import { createAccount, fakeBotToken, randomSnowflake } from '../api/helpers.js';

// Two nodes on one store: the per-user limits hold over both, for requests sent at the same time.

const cluster = useCluster();
// One regex rule write a minute past the burst: no token comes back while a test runs, however slow.
const limits = { MAX_ACCOUNTS_PER_USER: '3', MAX_FRIENDS_PER_USER: '4', REGEX_RULE_WRITES_PER_MINUTE: '1' };
let nodes: [App, App];
beforeAll(async () => {
  nodes = [(await cluster.node('node-a', { ...LONG_LEASE, ...limits })).app, (await cluster.node('node-b', { ...LONG_LEASE, ...limits })).app];
});

/** `count` requests sent together, alternately through each node; the status codes, sorted. */
async function together(count: number, send: (node: App, i: number) => Promise<{ statusCode: number }>): Promise<number[]> {
  const answers = await Promise.all(Array.from({ length: count }, (_, i) => send(nodes[i % 2]!, i)));
  return answers.map((a) => a.statusCode).sort();
}

const request = (node: App, authorization: string, method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  node.inject({ method, url, headers: { authorization }, ...(payload && { payload }) });

const regexRules = (n: number, tag: string) => ({
  triggers: Array.from({ length: n }, (_, i) => ({ kinds: ['activity:start'], name: { match: 'regex', value: `^${tag} ${i}` } })),
});

describe('per-user limits over two nodes', () => {
  it('never passes MAX_ACCOUNTS_PER_USER, and a deletion on one node makes room on the other', async () => {
    const { authorization } = await registerAndLogin(nodes[0]);
    const post = (node: App) => request(node, authorization, 'POST', '/api/accounts', { label: 'bot', token: fakeBotToken() });
    expect(await together(8, post)).toEqual([201, 201, 201, 409, 409, 409, 409, 409]);
    const refused = await post(nodes[1]);
    expect(refused.json()).toMatchObject({ code: 'ACCOUNT_LIMIT_REACHED', message: expect.stringContaining('You have 3 accounts') });

    const { items } = (await nodes[0].inject({ url: '/api/accounts', headers: { authorization } })).json<{ items: Array<{ id: string }> }>();
    expect(items).toHaveLength(3);
    expect((await request(nodes[1], authorization, 'DELETE', `/api/accounts/${items[0]!.id}`)).statusCode).toBe(204);
    expect(await together(4, post)).toEqual([201, 409, 409, 409]);
  });

  it('recounts a counter left full by a reservation never used (a node died between reserving and creating)', async () => {
    const { authorization, userId } = await registerAndLogin(nodes[0]);
    await createAccount(nodes[0], authorization);
    // One account, but a counter full and unchanged since long ago: only a recount finds the room.
    await nodes[0].db.models.QuotaCounter.updateOne({ _id: `accounts:${userId}` }, { $set: { n: 3, at: new Date(0) } });
    const post = (node: App) => request(node, authorization, 'POST', '/api/accounts', { label: 'bot', token: fakeBotToken() });
    expect(await together(4, post)).toEqual([201, 201, 409, 409]);
  });

  it('never passes MAX_FRIENDS_PER_USER over all accounts; failed creations and deletions give their slots back', async () => {
    const { authorization } = await registerAndLogin(nodes[0]);
    const [a, b] = [await createAccount(nodes[0], authorization), await createAccount(nodes[1], authorization)];
    const friendsOf = (id: string) => `/api/accounts/${id}/friends`;
    const add = (node: App, account: string, discordUserId = randomSnowflake()) =>
      request(node, authorization, 'POST', friendsOf(account), { discordUserId });
    expect(await together(3, (node, i) => add(node, i % 2 ? a.id : b.id))).toEqual([201, 201, 201]);

    // A creation refused by the store (this account already watches that user) keeps no slot.
    const watched = (await nodes[0].inject({ url: friendsOf(a.id), headers: { authorization } })).json<{ items: Array<{ id: string; discordUserId: string }> }>().items[0]!;
    expect((await add(nodes[1], a.id, watched.discordUserId)).statusCode).toBe(409);
    expect(await together(6, (node, i) => add(node, i % 2 ? a.id : b.id))).toEqual([201, 409, 409, 409, 409, 409]);
    expect((await add(nodes[0], b.id)).json()).toMatchObject({ code: 'FRIEND_LIMIT_REACHED' });

    // Deleting a friend, then an account with its friends, frees their slots.
    expect((await request(nodes[1], authorization, 'DELETE', `${friendsOf(a.id)}/${watched.id}`)).statusCode).toBe(204);
    expect(await together(3, (node) => add(node, b.id))).toEqual([201, 409, 409]);
    const onA = (await nodes[0].inject({ url: friendsOf(a.id), headers: { authorization } })).json<{ items: unknown[] }>().items.length;
    expect((await request(nodes[0], authorization, 'DELETE', `/api/accounts/${a.id}`)).statusCode).toBe(204);
    expect(await together(onA + 2, (node) => add(node, b.id))).toEqual([...Array<number>(onA).fill(201), 409, 409]);
  });

  it('never lets parallel rule writes to one account pass its regex trigger cap', async () => {
    const { authorization } = await registerAndLogin(nodes[0]);
    const account = await createAccount(nodes[0], authorization);
    const friends = await Promise.all(
      [0, 1, 2, 3].map(async (i) => (await request(nodes[i % 2]!, authorization, 'POST', `/api/accounts/${account.id}/friends`, { discordUserId: randomSnowflake() })).json<{ id: string }>()),
    );
    // Four friends and the default rules, 5 regex triggers each: 25 wanted, 20 allowed (all within the write rate's burst).
    const answers = await together(5, (node, i) =>
      i < 4
        ? request(node, authorization, 'PUT', `/api/accounts/${account.id}/friends/${friends[i]!.id}`, { rules: regexRules(5, `f${i}`) })
        : request(node, authorization, 'PUT', `/api/accounts/${account.id}`, { settings: { defaultRules: regexRules(5, 'd') } }),
    );
    expect(answers).toEqual([200, 200, 200, 200, 409]);
    // The user's write burst is spent: what rules give back shows in the account's counter.
    const held = async () => (await nodes[0].db.models.QuotaCounter.findById(`regex:${account.id}`).lean())?.n;
    expect(await held()).toBe(20);
    expect((await request(nodes[1], authorization, 'PUT', `/api/accounts/${account.id}/friends/${friends[0]!.id}`, { rules: null })).statusCode).toBe(200);
    expect(await held()).toBe(15);
    expect((await request(nodes[0], authorization, 'DELETE', `/api/accounts/${account.id}/friends/${friends[1]!.id}`)).statusCode).toBe(204);
    expect(await held()).toBe(10);
    expect((await request(nodes[1], authorization, 'DELETE', `/api/accounts/${account.id}`)).statusCode).toBe(204);
    expect(await held()).toBeUndefined();
  });

  it('shares the regex rule write rate between the nodes', async () => {
    const { authorization } = await registerAndLogin(nodes[0]);
    const account = await createAccount(nodes[0], authorization);
    const answers = await together(REGEX_WRITE_BURST + 3, (node, i) =>
      request(node, authorization, 'PUT', `/api/accounts/${account.id}`, { settings: { defaultRules: regexRules(1, `w${i}`) } }),
    );
    expect(answers).toEqual([...Array<number>(REGEX_WRITE_BURST).fill(200), 429, 429, 429]);
  });
});
