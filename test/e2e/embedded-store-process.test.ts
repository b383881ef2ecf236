import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type ResultPromise, execa } from 'execa';
import { MongoClient } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/free-port.js';
import { descendants, isRunning } from '../support/process-tree.js';
import { EMBEDDED_SOCKET_FILE } from '../../src/plugins/database.js';

// `node dist/server.js` with no MONGODB_URI: the embedded store runs in a child process of the
// server (EMBEDDED_STORE=process, the default), restarted when it dies, gone when the server is
// (SIGTERM here; a SIGKILLed server's store and workers exit by themselves: server-shutdown.test.ts).

interface LogLine {
  msg?: string;
  storePid?: number;
  component?: string;
  hangTimeoutMs?: number;
}

const METRICS_TOKEN = 'scrape-the-store-0123456789';

let dataDir: string | undefined;
let server: ResultPromise | undefined;
afterEach(async () => {
  server?.kill('SIGKILL');
  await server?.catch(() => undefined);
  server = undefined;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const parentOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
};

/** Starts the built server on a fresh DATA_DIR; `next(accept)` resolves with the next log line it takes. */
async function startServer(extraEnv: Record<string, string> = {}) {
  dataDir = await mkdtemp(join(tmpdir(), 'dac-store-proc-'));
  const port = await freePort();
  const proc = execa('node', ['dist/server.js'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DATA_DIR: dataDir,
      PORT: String(port),
      NODE_ENV: 'test',
      METRICS_TOKEN,
      ...extraEnv,
    },
    extendEnv: false,
    reject: false,
  });
  server = proc;
  const lines: LogLine[] = [];
  const waiters = new Set<(line: LogLine) => void>();
  createInterface({ input: proc.stdout }).on('line', (raw) => {
    const line = JSON.parse(raw) as LogLine;
    lines.push(line);
    for (const waiter of [...waiters]) waiter(line);
  });
  const next = (accept: (line: LogLine) => boolean) =>
    new Promise<LogLine>((resolve) => {
      const waiter = (line: LogLine) => {
        if (!accept(line)) return;
        waiters.delete(waiter);
        resolve(line);
      };
      waiters.add(waiter);
    });
  await next((l) => l.msg?.startsWith('dashboard: ') === true || l.msg?.startsWith('API docs: ') === true);
  const base = `http://127.0.0.1:${port}/api`;
  const started = lines.find((l) => l.msg?.startsWith('embedded MongoDB-compatible store started'));
  const metrics = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };
  return { proc, base, lines, next, metrics, dataDir, storePid: started?.storePid ?? null };
}

/** The `dac_embedded_store_*` samples of a scrape, as `name{labels} value` lines. */
const storeSamples = (text: string) => text.split('\n').filter((l) => l.startsWith('dac_embedded_store_'));

/** What `npm run admin -- promote` does, through the running store's socket (the role is read at login). */
async function promote(dir: string, email: string) {
  const client = await new MongoClient(`mongodb://${encodeURIComponent(join(dir, 'db', EMBEDDED_SOCKET_FILE))}/discord-auto-content`).connect();
  try {
    expect((await client.db().collection('users').updateOne({ email }, { $set: { role: 'admin' } })).modifiedCount).toBe(1);
  } finally {
    await client.close();
  }
}

async function post(url: string, body: object) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('the embedded store process', () => {
  it('is a child of the server; killed, it is restarted with the data intact and counted in the status and metrics; SIGTERM stops both', async () => {
    const { proc, base, lines, next, metrics, dataDir: dir, storePid } = await startServer();
    expect(storePid).toEqual(expect.any(Number));
    const store = storePid as number;
    expect(parentOf(store)).toBe(proc.pid);
    // Its log lines reach the server's stdout, marked as the store's.
    expect(lines.some((l) => l.component === 'embedded-store' && l.storePid === store && l.msg?.startsWith('embedded store listening'))).toBe(true);

    const credentials = { email: 'store@example.com', password: 'a long enough password' };
    expect((await post(`${base}/auth/register`, credentials)).status).toBe(201);
    await promote(dir, credentials.email);
    expect(storeSamples(await metrics())).toEqual([
      'dac_embedded_store_restarts_total{cause="crash"} 0',
      'dac_embedded_store_restarts_total{cause="hang"} 0',
      'dac_embedded_store_up 1',
      expect.stringMatching(/^dac_embedded_store_start_time_seconds \d+(\.\d+)?$/),
      `dac_embedded_store_pid ${store}`,
    ]);

    const restarted = next((l) => l.msg === 'embedded store process ready' && l.storePid !== store);
    process.kill(store, 'SIGKILL');
    const { storePid: replacement } = await restarted;
    expect(replacement).not.toBe(store);
    expect(parentOf(replacement as number)).toBe(proc.pid);
    expect(lines.some((l) => l.msg === 'embedded store process exited; restarting it')).toBe(true);

    // The driver reconnects to the new process, which has the user registered before the crash.
    const login = await post(`${base}/auth/login`, credentials);
    expect(login.status).toBe(200);
    expect((await fetch(`${base}/health`)).status).toBe(200);

    // Admins see the restart in the status, Prometheus in the metrics.
    const { accessToken } = (await login.json()) as { accessToken: string };
    const status = (await (await fetch(`${base}/status`, { headers: { authorization: `Bearer ${accessToken}` } })).json()) as {
      server: { embeddedStore: { startedAt: string } };
    };
    expect(status.server.embeddedStore).toEqual({ pid: replacement, up: true, startedAt: expect.any(String), restarts: { crash: 1, hang: 0 } });
    const scraped = storeSamples(await metrics());
    expect(scraped).toContain('dac_embedded_store_restarts_total{cause="crash"} 1');
    expect(scraped).toContain('dac_embedded_store_restarts_total{cause="hang"} 0');
    expect(scraped).toContain(`dac_embedded_store_pid ${replacement}`);
    expect(scraped).toContain('dac_embedded_store_up 1');
    expect(scraped).toContain(`dac_embedded_store_start_time_seconds ${Date.parse(status.server.embeddedStore.startedAt) / 1000}`);

    proc.kill('SIGTERM');
    const result = await proc;
    expect(result.exitCode).toBe(0);
    expect(lines.some((l) => l.msg === 'embedded store stopping' && l.storePid === replacement)).toBe(true);
    expect(isRunning(replacement as number)).toBe(false);
  });

  it('stopped (SIGSTOP): requests that need it answer 503 in JSON; found hung, it is killed and restarted, and the same request answers 200', async () => {
    // A short hang timeout keeps the test quick (the default is a minute).
    const { base, lines, next, metrics, storePid } = await startServer({ EMBEDDED_STORE_HANG_TIMEOUT_MS: '3000' });
    const store = storePid as number;
    const credentials = { email: 'hung-store@example.com', password: 'a long enough password' };
    expect((await post(`${base}/auth/register`, credentials)).status).toBe(201);
    const { accessToken } = (await (await post(`${base}/auth/login`, credentials)).json()) as { accessToken: string };
    const me = () => fetch(`${base}/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect((await me()).status).toBe(200);

    const killed = next((l) => l.msg === 'embedded store process not answering; killing it');
    const restarted = next((l) => l.msg === 'embedded store process ready' && l.storePid !== store);
    // Sent as soon as the store is killed, while it restarts (after a backoff).
    const duringRestart = killed.then(() => me());
    process.kill(store, 'SIGSTOP');
    // Sent while the store is stopped: each waits for the driver's timeout or for the kill,
    // whichever comes first, and must answer 503 either way.
    const answers = await Promise.all([me(), post(`${base}/auth/login`, credentials), fetch(`${base}/health`)]);
    const bodies: unknown[] = [];
    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const text = await res.text();
      expect(text).not.toMatch(/stack|\.js:\d+/);
      bodies.push(JSON.parse(text));
    }
    expect(bodies).toEqual([
      { statusCode: 503, error: 'Service Unavailable', message: expect.any(String), code: 'DB_UNAVAILABLE' },
      { statusCode: 503, error: 'Service Unavailable', message: expect.any(String), code: 'DB_UNAVAILABLE' },
      { status: 'degraded', db: 'down' },
    ]);

    expect(await killed).toMatchObject({ storePid: store, hangTimeoutMs: 3000 });
    const { storePid: replacement } = await restarted;
    expect(replacement).not.toBe(store);
    expect(isRunning(store)).toBe(false);
    // While it restarts: 503 in JSON as well (a late 200 only if the new store was back first).
    const restarting = await duringRestart;
    expect([503, 200]).toContain(restarting.status);
    expect(await restarting.json()).toEqual(
      restarting.status === 503 ? expect.objectContaining({ statusCode: 503, code: 'DB_UNAVAILABLE' }) : expect.objectContaining({ email: credentials.email }),
    );
    expect(lines.filter((l) => l.msg === 'embedded store process exited; restarting it')).toHaveLength(1);
    const scraped = storeSamples(await metrics());
    expect(scraped).toContain('dac_embedded_store_restarts_total{cause="hang"} 1');
    expect(scraped).toContain('dac_embedded_store_restarts_total{cause="crash"} 0');

    // The driver reconnects to the new process, which has the user.
    const after = await me();
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ email: credentials.email });
  });

  it('runs inside the server with EMBEDDED_STORE=inline', async () => {
    const { proc, base, lines, metrics } = await startServer({ EMBEDDED_STORE: 'inline' });
    expect(lines.some((l) => l.msg?.startsWith('embedded MongoDB-compatible store started inside the server'))).toBe(true);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(descendants(proc.pid!)).toEqual([]);
    expect(storeSamples(await metrics())).toEqual([]);
  });
});
