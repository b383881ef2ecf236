import { beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin } from '../../support/build-app.js';
import { useFakeDiscordApp } from '../../support/fake-discord-app.js';
import { SseClient } from '../../support/sse-client.js';
import { createWatchingAccount, nextOutcome } from '../../support/watching-account.js';
import { createAccount, waitForWorker } from './helpers.js';

const t = useFakeDiscordApp({ listen: true });
let ada: Awaited<ReturnType<typeof registerAndLogin>>;
let bob: Awaited<ReturnType<typeof registerAndLogin>>;

beforeAll(async () => {
  ada = await registerAndLogin(t.app);
  bob = await registerAndLogin(t.app);
});

interface Line {
  at: string;
  level: string;
  source: string;
  msg: string;
  fields?: Record<string, unknown>;
}

const logs = async (accountId: string, query = '', who = ada) =>
  t.app.inject({ method: 'GET', url: `/api/accounts/${accountId}/logs${query}`, headers: { authorization: who.authorization } });

describe('GET /api/accounts/:id/logs', () => {
  it("keeps the account's worker, supervisor and pipeline lines, streams them as `log` events, and never the token", async () => {
    const { id, bot, pal } = await createWatchingAccount(t.app, t.fake, ada.authorization);
    const other = await createAccount(t.app, ada.authorization);

    const stream = await SseClient.open(`${t.url}/api/events?types=log&accountId=${id}`, { authorization: ada.authorization });
    await t.app.inject({ method: 'POST', url: `/api/accounts/${id}/start`, headers: { authorization: ada.authorization } });
    await waitForWorker(t.app, id, (w) => w.state === 'ready');
    const sent = nextOutcome(t.app, id, (o) => o.status === 'sent');
    t.fake.setPresence(pal.id, { status: 'online', activities: [{ name: 'Factorio', type: 0 }] });
    await sent;

    const res = await logs(id);
    expect(res.statusCode).toBe(200);
    const { items } = res.json<{ items: Line[] }>();
    expect(items).toContainEqual(expect.objectContaining({ source: 'supervisor', level: 'info', msg: 'worker forked' }));
    expect(items).toContainEqual(expect.objectContaining({ source: 'worker', level: 'info', msg: 'ready', fields: expect.objectContaining({ botUserId: bot.id }) }));
    // No info line per delivery (neither the worker's nor the pipeline's, both debug): each is a
    // ContentHistory row, a `delivery` live event and a metric already.
    expect(items.filter((l) => l.msg === 'delivered' || l.msg === 'content delivered')).toEqual([]);
    expect(items.map((l) => l.at)).toEqual(items.map((l) => l.at).sort());
    expect(JSON.stringify(items)).not.toContain(bot.token);

    await stream.next((e) => e.event === 'log' && JSON.parse(e.data).msg === 'ready');
    const streamed = stream.events.filter((e) => e.event === 'log').map((e) => JSON.parse(e.data) as Line & { accountId: string });
    expect(streamed.every((l) => l.accountId === id)).toBe(true);
    expect(streamed).toContainEqual(expect.objectContaining({ source: 'worker', msg: 'ready' }));
    stream.close();

    // Filters: the newest lines first cut by `limit`, and by level.
    const two = (await logs(id, '?limit=2')).json<{ items: Line[] }>().items;
    expect(two).toEqual(items.slice(-2));
    const warnings = (await logs(id, '?level=warn')).json<{ items: Line[] }>().items;
    expect(warnings.every((l) => ['warn', 'error', 'fatal'].includes(l.level))).toBe(true);
    // Another account's lines are its own.
    expect((await logs(other.id)).json()).toEqual({ items: [] });
    await t.app.inject({ method: 'POST', url: `/api/accounts/${id}/stop`, headers: { authorization: ada.authorization } });
  });

  it("answers 404 for another user's account and 400 for a bad level or limit", async () => {
    const { id } = await createAccount(t.app, bob.authorization);
    expect((await logs(id)).json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    expect((await logs(id, '', bob)).statusCode).toBe(200);
    expect((await logs(id, '?level=loud', bob)).statusCode).toBe(400);
    expect((await logs(id, '?limit=1001', bob)).statusCode).toBe(400);
  });
});
