import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStoreProcess, type StoreProcess } from '../../scripts/lib/cluster-processes.js';
import { freePort } from '../../scripts/lib/free-port.js';
import { FakeDiscord } from '../../fake-discord/index.js';
import { buildTestApp, registerAndLogin, type TestApp } from '../support/build-app.js';
import { createAccount, fakeBotToken, waitForWorker } from '../integration/api/helpers.js';

// The database as its own process, SIGSTOPped: it keeps its sockets open and answers nothing
// (a hung host or a full stop-the-world pause look the same to the server).

let dir: string;
let fake: FakeDiscord;
let store: StoreProcess;
let t: TestApp;
let user: Awaited<ReturnType<typeof registerAndLogin>>;
let accountId: string;

const pause = () => process.kill(store.process.pid, 'SIGSTOP');
const resume = () => process.kill(store.process.pid, 'SIGCONT');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dac-hung-db-'));
  store = await startStoreProcess({ dataDir: join(dir, 'db'), port: await freePort(), startTimeoutMs: 60_000, stopTimeoutMs: 5_000 });
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 1_000 });
  // Short leases: the pause may outlast the renew deadline, so the node may fence (stop its worker).
  t = await buildTestApp({
    mongoUri: store.uri,
    env: { DISCORD_API_URL: fake.apiUrl, LEASE_MS: 3_000, LEASE_RENEW_MS: 300, LEASE_RENEW_DEADLINE_MS: 2_000 },
  });
  user = await registerAndLogin(t.app);
  const bot = fake.createBot({});
  fake.createGuild({ botIds: [bot.id], userIds: [] });
  accountId = (await createAccount(t.app, user.authorization, { token: bot.token })).id;
  await call('POST', `/api/accounts/${accountId}/start`);
  await waitForWorker(t.app, accountId, (w) => w.state === 'ready');
});
afterAll(async () => {
  if (store) resume();
  await t?.close();
  await store?.process.stop();
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: user.authorization }, ...(payload ? { payload } : {}) });

/** Answers of `request` until one passes `accept` (the server heals by itself; nothing here helps it). */
async function until<T>(request: () => Promise<T>, accept: (answer: T) => boolean): Promise<T> {
  for (;;) {
    const answer = await request();
    if (accept(answer)) return answer;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a hung database', () => {
  it('gets 503 answers while it is paused, and the server recovers by itself once it continues', async () => {
    pause();
    let healthMs = Number.POSITIVE_INFINITY;
    let dataMs = 0;
    try {
      const started = performance.now();
      const health = await t.app.inject({ url: '/api/health' });
      healthMs = performance.now() - started;
      expect(health.statusCode).toBe(503);
      expect(health.json()).toEqual({ status: 'degraded', db: 'down' });

      for (const [method, url] of [
        ['GET', `/api/accounts/${accountId}/activity`],
        ['POST', '/api/accounts'],
      ] as const) {
        const begun = performance.now();
        const res = await call(method, url, method === 'POST' ? { label: 'x', token: fakeBotToken() } : undefined);
        dataMs = Math.max(dataMs, performance.now() - begun);
        expect(res.statusCode, `${method} ${url}`).toBe(503);
        expect(res.json()).toMatchObject({ statusCode: 503, code: 'DB_UNAVAILABLE' });
      }
    } finally {
      // Every answer above came while the database was still paused.
      resume();
    }
    // The bounds (2 s, 5 s) with a wide margin for a loaded machine; before the fix these
    // took 35–40 s.
    expect(healthMs).toBeLessThan(6_000);
    expect(dataMs).toBeLessThan(12_000);

    await until(() => t.app.inject({ url: '/api/health' }), (res) => res.statusCode === 200);
    const after = await until(() => call('GET', `/api/accounts/${accountId}/activity`), (res) => res.statusCode !== 503);
    expect(after.statusCode).toBe(200);
    // Whether or not the pause outlasted the lease renew deadline (the node then stops its worker
    // and starts it again), the account ends up running.
    await waitForWorker(t.app, accountId, (w) => w.state === 'ready');
  });
});
