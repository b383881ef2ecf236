import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type ResultPromise, execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../fake-discord/index.js';
import { freePort } from '../../scripts/lib/free-port.js';
import { descendants } from '../support/process-tree.js';

// The server process with 20 running accounts, stopped the two ways a server stops: SIGTERM
// (graceful: every child asked to go, exit 0) and SIGKILL (children notice the IPC channel
// closing and exit by themselves). Either way no worker (or store) process may be left behind.

const ACCOUNTS = 20;

let fake: FakeDiscord;
let dataDir: string;
let server: ResultPromise | undefined;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 2_000 });
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  server?.kill('SIGKILL');
  await server?.catch(() => undefined);
  server = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

/** Alive and not a zombie (an orphaned zombie may wait for a reaper that never comes). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Pids of the processes whose parent is `ppid`. */
function childPids(ppid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(100);
  }
}

/**
 * Starts the server with `accounts` running accounts; returns its base URL and the worker pids.
 * `command` is how it is started: node itself, or `npm start` as systemd or a container would.
 */
async function serverWithRunningAccounts(
  accounts = ACCOUNTS,
  command: [string, string[]] = ['node', ['dist/server.js']],
): Promise<{ base: string; pids: number[] }> {
  dataDir = await mkdtemp(join(tmpdir(), 'dac-shutdown-'));
  const port = await freePort();
  server = execa(command[0], command[1], {
    env: { DATA_DIR: dataDir, PORT: String(port), NODE_ENV: 'test', DISCORD_API_URL: fake.apiUrl, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000' },
    reject: false,
  });
  const base = `http://127.0.0.1:${port}/api`;
  await waitUntil(async () => (await fetch(`${base}/health`).catch(() => undefined))?.ok === true, 30_000, 'the server');

  const call = async (method: string, path: string, body?: object, token?: string) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, any>> // eslint-disable-line @typescript-eslint/no-explicit-any -- test JSON bodies are read loosely;
  };
  const credentials = { email: 'ops@example.com', password: 'a long enough password' };
  await call('POST', '/auth/register', credentials);
  const { accessToken } = await call('POST', '/auth/login', credentials);
  const user = fake.createUser({ username: 'watched' });
  const bots = Array.from({ length: accounts }, (_, i) => fake.createBot({ username: `bot${i}` }));
  fake.createGuild({ botIds: bots.map((b) => b.id), userIds: [user.id] });
  const ids: string[] = [];
  for (const bot of bots) {
    const account = await call('POST', '/accounts', { label: bot.username, token: bot.token }, accessToken);
    await call('POST', `/accounts/${account.id}/start`, undefined, accessToken);
    ids.push(account.id as string);
  }
  await waitUntil(
    async () => {
      const page = await call('GET', '/accounts?limit=100', undefined, accessToken);
      const items = page.items as Array<{ state: string }>;
      return items.length === accounts && items.every((a) => a.state === 'ready');
    },
    90_000,
    'every account to be ready',
  );
  // The server's children: the workers and the embedded store's own process.
  if (command[0] !== 'node') return { base, pids: descendants(server.pid!).filter(isAlive) };
  const pids = childPids(server.pid!).filter(isAlive);
  expect(pids).toHaveLength(accounts + 1);
  return { base, pids };
}

describe('stopping the server with running accounts', () => {
  it('exits 0 on SIGTERM with every worker process gone', async () => {
    const { pids } = await serverWithRunningAccounts();
    server!.kill('SIGTERM');
    const result = await server!;
    expect(result.exitCode).toBe(0);
    expect(pids.filter(isAlive)).toEqual([]);
  }, 180_000);

  it('SIGTERM to `npm start` stops the server and every worker', async () => {
    const { pids } = await serverWithRunningAccounts(2, ['npm', ['start', '--silent']]);
    // npm → node server → 2 workers and the store (no shell left in between to swallow the signal).
    expect(pids.length).toBeGreaterThanOrEqual(4);
    server!.kill('SIGTERM');
    await server;
    await waitUntil(() => pids.every((pid) => !isAlive(pid)), 30_000, 'the server and its workers to exit');
    expect(pids.filter(isAlive)).toEqual([]);
  }, 180_000);

  it('leaves no worker behind when the server is killed with SIGKILL', async () => {
    const { pids } = await serverWithRunningAccounts();
    server!.kill('SIGKILL');
    await server;
    await waitUntil(() => pids.every((pid) => !isAlive(pid)), 5_000, 'the orphaned workers to exit');
    expect(pids.filter(isAlive)).toEqual([]);
  }, 180_000);
});
