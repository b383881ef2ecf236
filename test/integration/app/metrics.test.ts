import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';
import { useFakeDiscordApp } from '../../support/fake-discord-app.js';
import { createWatchingAccount, nextOutcome } from '../../support/watching-account.js';
import { waitForWorker } from '../api/helpers.js';

const METRICS_TOKEN = 'scrape-me-please-0123456789';
const t = useFakeDiscordApp({ env: { METRICS_TOKEN }, pipeline: { retryBaseMs: 50 } });
let admin: Awaited<ReturnType<typeof registerAndLogin>>;
let user: Awaited<ReturnType<typeof registerAndLogin>>;

beforeAll(async () => {
  admin = await registerAndLogin(t.app, 'root@example.com', 'admin');
  user = await registerAndLogin(t.app);
});

const scrape = async () => {
  const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.statusCode).toBe(200);
  return res.body;
};

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const api = async (method: 'GET' | 'POST', url: string, payload?: object) => {
  const res = await t.app.inject({ method, url, headers: { authorization: user.authorization }, ...(payload ? { payload } : {}) });
  if (res.statusCode >= 400) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.json();
};

describe('GET /metrics', () => {
  it('answers 401 without the METRICS_TOKEN bearer, and the Prometheus text with it', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const wrong = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}x` } });
    expect(wrong.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    // A user's access token is not a scrape token.
    expect((await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: user.authorization } })).statusCode).toBe(401);

    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('# TYPE dac_process_cpu_user_seconds_total counter');
    expect(sample(res.body, 'dac_workers{state="ready"}')).toBe(0);
    expect(sample(res.body, 'dac_live_streams')).toBe(0);
    // On MONGODB_URI the server runs no store process (test/e2e/embedded-store-process.test.ts has one).
    expect(res.body).not.toContain('dac_embedded_store');
  });

  it('counts what the workers and the pipeline do, and times it', async () => {
    const account = await createWatchingAccount(t.app, t.fake, user.authorization, { label: 'metrics bot' });
    await api('POST', `/api/accounts/${account.id}/start`);
    const { pid } = await waitForWorker(t.app, account.id, (w) => w.state === 'ready');

    const sent = nextOutcome(t.app, account.id, (o) => o.status === 'sent');
    t.fake.setPresence(account.pal.id, { status: 'online', activities: [{ name: 'Factorio', type: 0 }] });
    await sent;

    let body = await scrape();
    expect(sample(body, 'dac_workers{state="ready"}')).toBe(1);
    expect(sample(body, 'dac_activity_events_total{kind="activity:start"}')).toBe(1);
    expect(sample(body, 'dac_deliveries_total{outcome="sent",reason=""}')).toBe(1);
    expect(sample(body, 'dac_deliveries_total{outcome="skipped",reason="no-trigger"}')).toBe(1); // the `online` event
    expect(sample(body, 'dac_presence_to_delivered_seconds_count')).toBe(1);
    expect(sample(body, 'dac_presence_to_stored_seconds_count')).toBe(2);
    expect(sample(body, 'dac_db_command_seconds_count{command="insert",outcome="ok"}')).toBeGreaterThan(0);

    // A requested restart, then a crash: each counted with its cause.
    await api('POST', `/api/accounts/${account.id}/restart`);
    const { pid: second } = await waitForWorker(t.app, account.id, (w) => w.state === 'ready' && w.pid !== pid);
    process.kill(second!, 'SIGKILL');
    await waitForWorker(t.app, account.id, (w) => w.state === 'ready' && w.pid !== second);
    body = await scrape();
    expect(sample(body, 'dac_worker_restarts_total{cause="requested"}')).toBe(1);
    expect(sample(body, 'dac_worker_restarts_total{cause="EXITED"}')).toBe(1);
    await api('POST', `/api/accounts/${account.id}/stop`);
  });

  it('does not exist when METRICS_TOKEN is unset, and then the driver does not time (decode) each command', async () => {
    const bare = await buildTestApp();
    try {
      const res = await bare.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.json()).toMatchObject({ statusCode: 404, code: 'ROUTE_NOT_FOUND' });
      const commands = async (app: TestApp['app']) => {
        const seen: string[] = [];
        const client = app.db.connection.getClient();
        const onCommand = (e: { commandName: string }) => seen.push(e.commandName);
        client.on('commandSucceeded', onCommand);
        await app.db.models.User.countDocuments();
        client.off('commandSucceeded', onCommand);
        return seen;
      };
      expect(await commands(bare.app)).toEqual([]);
      // Nor do prom-client's process metrics run (an event-loop delay monitor, a GC observer).
      expect(bare.app.metrics.registry.getSingleMetric('dac_nodejs_eventloop_lag_seconds')).toBeUndefined();
      expect(t.app.metrics.registry.getSingleMetric('dac_nodejs_eventloop_lag_seconds')).toBeDefined();
      expect(await commands(t.app)).toContain('aggregate');
    } finally {
      await bare.close();
    }
  });
});

describe('GET /api/status/history', () => {
  it('gives admins the SystemMetrics samples of a range, oldest first', async () => {
    const before = new Date();
    await t.app.system.sample();
    await t.app.system.sample();
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/status/history?from=${before.toISOString()}`,
      headers: { authorization: admin.authorization },
    });
    expect(res.statusCode).toBe(200);
    const { items } = res.json<{ items: Array<{ at: string; workers: { byState: Record<string, number> } }> }>();
    expect(items).toHaveLength(2);
    expect(items[0]!.at <= items[1]!.at).toBe(true);
    expect(items[0]).toMatchObject({ process: { rss: expect.any(Number) }, workers: { byState: { stopped: expect.any(Number) } }, rates: { eventsPerSec: expect.any(Number) } });

    const one = await t.app.inject({ method: 'GET', url: `/api/status/history?from=${before.toISOString()}&limit=1`, headers: { authorization: admin.authorization } });
    expect(one.json().items).toEqual([items[1]]);
  });

  it('is for admins only, and checks the range', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/status/history', headers: { authorization: user.authorization } })).statusCode).toBe(403);
    const reversed = await t.app.inject({
      method: 'GET',
      url: '/api/status/history?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z',
      headers: { authorization: admin.authorization },
    });
    expect(reversed.json()).toMatchObject({ statusCode: 400, code: 'INVALID_RANGE' });
    expect((await t.app.inject({ method: 'GET', url: '/api/status/history?from=yesterday', headers: { authorization: admin.authorization } })).statusCode).toBe(400);
  });
});
