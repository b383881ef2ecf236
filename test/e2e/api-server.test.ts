import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/free-port.js';
import { FakeDiscord } from '../../fake-discord/index.js';

const SERVER_ENTRY = resolve(import.meta.dirname, '../../dist/server.js');
const WAIT_MS = 60_000;

interface LogLine {
  msg?: string;
  accountId?: string;
  pid?: number;
  [key: string]: unknown;
}

/** A free TCP port on 127.0.0.1 (the server listens on PORT; it has no "any port" mode). */
/** Children of `pid`, read from /proc. */
async function childPids(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 4 is the parent pid; the command name (field 2) may contain spaces, so split after it.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) children.push(Number(entry));
  }
  return children;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let fake: FakeDiscord;
let dataDir: string;
let server: ResultPromise<{ env: NodeJS.ProcessEnv; extendEnv: false; cwd: string; stdout: 'pipe'; stderr: 'pipe' }>;
let baseUrl: string;
const lines: LogLine[] = [];
const waiters = new Set<() => void>();

/** Resolves with the first server log line (past or future) that `accept` takes. */
function waitForLog(accept: (line: LogLine) => boolean, what: string): Promise<LogLine> {
  return new Promise((done, fail) => {
    const check = () => {
      const hit = lines.find(accept);
      if (!hit) return false;
      waiters.delete(check);
      clearTimeout(timer);
      done(hit);
      return true;
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      fail(new Error(`server never logged ${what}`));
    }, WAIT_MS);
    if (!check()) waiters.add(check);
  });
}

async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  opts: { body?: object; token?: string } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(opts.body ? { 'content-type': 'application/json' } : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    },
    ...(opts.body ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 1_000 });
  dataDir = await mkdtemp(join(tmpdir(), 'dac-e2e-api-'));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = execa('node', [SERVER_ENTRY], {
    cwd: dataDir,
    extendEnv: false,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      DISCORD_API_URL: fake.apiUrl,
    },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  createInterface({ input: server.stdout }).on('line', (text) => {
    try {
      lines.push(JSON.parse(text) as LogLine);
    } catch {
      lines.push({ msg: text });
    }
    for (const check of [...waiters]) check();
  });
  await waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('Server listening at'), 'that it listens');
});

afterAll(async () => {
  if (server !== undefined && server.exitCode === null) server.kill('SIGKILL');
  await server?.catch(() => undefined);
  await fake?.close();
  await rm(dataDir, { recursive: true, force: true });
});

// The steps build on each other (vitest runs them in order): one server, one user, one account.
describe('the server over real HTTP', () => {
  let token = '';
  let accountId = '';
  const bot = { id: '', token: '' };

  it('answers the health check', async () => {
    const health = await api('GET', '/api/health');
    expect(health).toEqual({ status: 200, body: { status: 'ok', db: 'up' } });
  });

  it('registers a user, logs in and adds an account with a friend', async () => {
    const credentials = { email: 'e2e@example.com', password: 'a long enough password' };
    expect((await api('POST', '/api/auth/register', { body: credentials })).status).toBe(201);
    const login = await api<{ accessToken: string }>('POST', '/api/auth/login', { body: credentials });
    expect(login.status).toBe(200);
    token = login.body.accessToken;

    Object.assign(bot, fake.createBot({}));
    const friend = fake.createUser({ username: 'sam' });
    fake.createGuild({ botIds: [bot.id], userIds: [friend.id] });
    const created = await api<{ id: string }>('POST', '/api/accounts', { token, body: { label: 'e2e bot', token: bot.token } });
    expect(created.status).toBe(201);
    accountId = created.body.id;
    const added = await api('POST', `/api/accounts/${accountId}/friends`, { token, body: { discordUserId: friend.id } });
    expect(added.status).toBe(201);
  });

  it('starts the account, whose worker connects to the fake Discord and gets ready', async () => {
    expect((await api('POST', `/api/accounts/${accountId}/start`, { token })).status).toBe(200);
    await waitForLog((l) => l.msg === 'worker ready' && l.accountId === accountId, 'the worker ready');
    const account = await api('GET', `/api/accounts/${accountId}`, { token });
    expect(account.body).toMatchObject({ state: 'ready', botUserId: bot.id, desiredState: 'running' });
  });

  it('exits with code 0 on SIGTERM and leaves no worker behind', async () => {
    const workers = await childPids(server.pid!);
    expect(workers.length).toBeGreaterThan(0);
    server.kill('SIGTERM');
    const result = await server;
    expect(result.exitCode).toBe(0);
    expect(workers.filter(isAlive)).toEqual([]);
    expect(lines.some((l) => l.msg === 'shutting down')).toBe(true);
  });
});
