import { mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../src/app.js';
import { EMBEDDED_SOCKET_FILE } from '../../../../src/plugins/database.js';

// The server's own embedded store: private by default (a Unix socket in DATA_DIR), TCP on request.

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dac-transport-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function openApp(extra: Record<string, string> = {}) {
  return buildApp({ env: { NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...extra }, logger: false, restoreRunning: false });
}

/** The TCP ports a process listens on (Linux /proc: its socket inodes in LISTEN state). */
async function listeningTcpPorts(pid: number | 'self'): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1] as string);
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      // sl local_address rem_address st … inode
      const [, local = '', , state, , , , , , inode = ''] = line.trim().split(/\s+/);
      if (state === '0A' && inodes.has(inode)) ports.push(Number.parseInt(local.split(':')[1] ?? '', 16));
    }
  }
  return ports;
}

/** Whether a MongoDB server answers on 127.0.0.1:port. */
async function answersMongo(port: number): Promise<boolean> {
  const client = new MongoClient(`mongodb://127.0.0.1:${port}/x`, { serverSelectionTimeoutMS: 800, connectTimeoutMS: 800 });
  try {
    await client.db('x').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close();
  }
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the server\u2019s embedded store', () => {
  it('is reached over an owner-only Unix socket in DATA_DIR, and no local TCP port answers as MongoDB', async () => {
    const app = await openApp();
    try {
      const socketPath = join(dataDir, 'db', EMBEDDED_SOCKET_FILE);
      const info = await stat(socketPath);
      expect(info.isSocket()).toBe(true);
      expect(info.mode & 0o777).toBe(0o600);
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      expect((await stat(join(dataDir, 'db'))).mode & 0o777).toBe(0o700);

      // mongoose works through it, and so does the driver with the URL-encoded path.
      await app.db.models.User.create({ email: 'socket@example.com', passwordHash: 'x', role: 'user' });
      await expect(app.db.models.User.countDocuments()).resolves.toBe(1);
      const client = await new MongoClient(`mongodb://${encodeURIComponent(socketPath)}/discord-auto-content`).connect();
      try {
        await expect(client.db('discord-auto-content').collection('users').countDocuments()).resolves.toBe(1);
      } finally {
        await client.close();
      }

      // Neither the server nor the store's own process (EMBEDDED_STORE=process, the default).
      const storePid = app.db.storeProcess()?.pid;
      expect(storePid).toEqual(expect.any(Number));
      for (const pid of ['self', storePid as number] as const) {
        for (const port of await listeningTcpPorts(pid)) expect(await answersMongo(port)).toBe(false);
      }
    } finally {
      await app.close();
    }
  });

  it('serves TCP on 127.0.0.1 when EMBEDDED_MONGO_PORT asks for it', async () => {
    const port = await freePort();
    const app = await openApp({ EMBEDDED_MONGO_PORT: String(port) });
    try {
      expect(await answersMongo(port)).toBe(true);
      await expect(stat(join(dataDir, 'db', EMBEDDED_SOCKET_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await app.close();
    }
  });
});
