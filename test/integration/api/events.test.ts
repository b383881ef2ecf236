import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';
import { SseClient } from '../../support/sse-client.js';
import { createAccount } from './helpers.js';

let t: TestApp;
let base: string;
let ada: Awaited<ReturnType<typeof registerAndLogin>>;
let bob: Awaited<ReturnType<typeof registerAndLogin>>;
let adaAccount: string;
let bobAccount: string;
const open: SseClient[] = [];

beforeAll(async () => {
  t = await buildTestApp({ liveEvents: { maxEvents: 50, maxQueued: 20, idAdvanceMs: 100 } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}/api`;
  ada = await registerAndLogin(t.app);
  bob = await registerAndLogin(t.app);
  adaAccount = (await createAccount(t.app, ada.authorization)).id;
  bobAccount = (await createAccount(t.app, bob.authorization)).id;
});
afterAll(async () => {
  for (const c of open) c.close();
  await t?.close();
});

async function stream(query = '', headers: Record<string, string> = {}, who = ada): Promise<SseClient> {
  const client = await SseClient.open(`${base}/events${query}`, { authorization: who.authorization, ...headers });
  open.push(client);
  await client.next((e) => e.event === 'hello' || e.event === 'reset');
  return client;
}

/** Publishes a log line as a worker would, numbered so a test can tell lines apart. */
const publishLog = (accountId: string, msg: string) =>
  t.app.liveEvents.bus.publish('log', { accountId, level: 'info', source: 'worker', msg });

const logs = (c: SseClient) => c.events.filter((e) => e.event === 'log').map((e) => JSON.parse(e.data).msg as string);

describe('GET /api/events', () => {
  it('refuses a request without a token, a bad filter, another user’s account and all for non-admins', async () => {
    const bare = await SseClient.open(`${base}/events`).catch((e: { statusCode: number; body: string }) => e);
    expect(bare).toMatchObject({ statusCode: 401 });
    expect(JSON.parse((bare as { body: string }).body)).toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(stream('?types=nope')).rejects.toMatchObject({ statusCode: 400 });
    await expect(stream(`?accountId=${bobAccount}`)).rejects.toMatchObject({ statusCode: 404 });
    await expect(stream('?all=true')).rejects.toMatchObject({ statusCode: 403 });
  });

  it("streams the caller's events only, each with an id and its type", async () => {
    const client = await stream();
    publishLog(bobAccount, 'not yours');
    publishLog(adaAccount, 'yours');
    const got = await client.next((e) => e.event === 'log');
    expect(JSON.parse(got.data)).toMatchObject({ accountId: adaAccount, msg: 'yours', level: 'info', at: expect.any(Number) });
    expect(got.id).toMatch(/^[0-9a-f]+\.\d+$/);
    // Bob's line was published first: had it passed the filter it would have come first.
    expect(logs(client)).toEqual(['yours']);
  });

  it('sends the events of one turn in order, each with its own id, in one write', async () => {
    const client = await stream();
    const before = client.chunks.length;
    for (const msg of ['t1', 't2', 't3', 't4']) publishLog(adaAccount, msg);
    const last = await client.next((e) => e.event === 'log' && JSON.parse(e.data).msg === 't4');
    const seq = Number(last.id!.split('.')[1]);
    const frames = ['t1', 't2', 't3', 't4'].map((msg, i) => `id: ${t.app.liveEvents.bus.boot}.${seq - 3 + i}\nevent: log\ndata: ${JSON.stringify({ accountId: adaAccount, level: 'info', source: 'worker', msg }).slice(0, -1)},"at":`);
    const written = client.chunks.slice(before).filter((c) => c.includes('event: log'));
    expect(written).toHaveLength(1);
    let from = 0;
    for (const f of frames) {
      const at = written[0]!.indexOf(f, from);
      expect(at).toBeGreaterThanOrEqual(from);
      from = at + f.length;
    }
  });

  it("moves the client's resume point past other users' events with an id-only frame", async () => {
    const client = await stream();
    publishLog(adaAccount, 'mine');
    const mine = await client.next((e) => e.event === 'log' && JSON.parse(e.data).msg === 'mine');
    publishLog(bobAccount, 'his 1');
    publishLog(bobAccount, 'his 2');
    const newest = t.app.liveEvents.bus.lastId;
    expect(newest).not.toBe(mine.id);
    await client.until(() => client.lastEventId === newest);
    expect(logs(client)).toEqual(['mine']);
  });

  it("gives an admin's all=true stream every user's events, in order", async () => {
    const admin = await registerAndLogin(t.app, undefined, 'admin');
    const client = await stream('?all=true', {}, admin);
    publishLog(adaAccount, 'for ada');
    publishLog(bobAccount, 'for bob');
    await client.next((e) => e.event === 'log' && JSON.parse(e.data).msg === 'for bob');
    expect(logs(client)).toEqual(['for ada', 'for bob']);
  });

  it('filters by account and by type', async () => {
    const second = (await createAccount(t.app, ada.authorization)).id;
    const client = await stream(`?accountId=${second}&types=log`);
    publishLog(adaAccount, 'other account');
    t.app.liveEvents.bus.publish('presence', { accountId: second, discordUserId: '123456789012345678', status: 'online', activities: [] });
    publishLog(second, 'this account');
    await client.next((e) => e.event === 'log');
    expect(logs(client)).toEqual(['this account']);
    expect(client.events.some((e) => e.event === 'presence')).toBe(false);
  });

  it('replays exactly the missed events after Last-Event-ID, and says reset when they are gone', async () => {
    const first = await stream();
    publishLog(adaAccount, 'a1');
    await first.next((e) => e.event === 'log');
    const resumeFrom = first.lastEventId!;
    first.close();
    publishLog(adaAccount, 'a2');
    publishLog(bobAccount, 'b');
    publishLog(adaAccount, 'a3');

    const again = await stream('', { 'last-event-id': resumeFrom });
    expect(again.events[0]?.event).toBe('log');
    publishLog(adaAccount, 'a4');
    // By the line itself: the account's id is hex and may contain 'a4' too.
    await again.next((e) => e.event === 'log' && JSON.parse(e.data).msg === 'a4');
    expect(logs(again)).toEqual(['a2', 'a3', 'a4']);

    // Past the buffer (50 events here), the client is told to reload.
    for (let i = 0; i < 60; i++) publishLog(bobAccount, `flood ${i}`);
    const stale = await stream('', { 'last-event-id': resumeFrom });
    expect(stale.events.map((e) => e.event)).toEqual(['reset']);
    const foreign = await stream('?lastEventId=deadbeef.1');
    expect(foreign.events.map((e) => e.event)).toEqual(['reset']);
  });

  it('opens with a single-use ticket instead of the token, never the token in the URL', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/events/ticket', headers: { authorization: ada.authorization } });
    expect(res.statusCode).toBe(200);
    const { ticket, expiresIn } = res.json<{ ticket: string; expiresIn: number }>();
    expect(expiresIn).toBeGreaterThan(0);
    const client = await SseClient.open(`${base}/events?ticket=${ticket}`);
    open.push(client);
    await client.next((e) => e.event === 'hello');
    publishLog(adaAccount, 'by ticket');
    await client.next((e) => e.event === 'log');
    await expect(SseClient.open(`${base}/events?ticket=${ticket}`)).rejects.toMatchObject({ statusCode: 401 });
    const anon = await t.app.inject({ method: 'POST', url: '/api/events/ticket' });
    expect(anon.statusCode).toBe(401);
  });

  it('disconnects a consumer that does not read, with a reason, instead of buffering for it', async () => {
    const slow = await stream();
    slow.response.pause();
    const big = 'x'.repeat(64 * 1024);
    // Until the server gives up on it: the socket buffers fill, then the 20-event queue.
    const open = t.app.liveEvents.openStreams();
    for (let i = 0; i < 5_000 && t.app.liveEvents.openStreams() === open; i++) {
      publishLog(adaAccount, `${i} ${big}`);
      await new Promise((r) => setImmediate(r));
    }
    expect(t.app.liveEvents.openStreams()).toBe(open - 1);
    slow.response.resume();
    await slow.closed();
    expect(slow.events.at(-1)).toMatchObject({ event: 'disconnect', data: JSON.stringify({ reason: 'slow-consumer' }) });
  });

  it('logs no error for any of the above', () => {
    expect(t.logs.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
  });
});
