import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeConsecutivePorts } from '../../scripts/lib/free-port.js';
import { descendants, isRunning, untilGone } from '../support/process-tree.js';

// `npm run cluster -- --nodes 2` end to end: the script, the store process and two server nodes
// sharing it; one JWT signed by one node is accepted by the other; each node follows the store's
// change stream; Ctrl-C leaves nothing behind, and neither does a SIGKILL of the launcher.

const ROOT = resolve(import.meta.dirname, '../..');
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dac-cluster-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function json(url: string, init: { method?: string; token?: string; body?: object } = {}) {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The launcher with `nodes` nodes from `port`; resolves once it has printed their URLs. */
async function startCluster(nodes: number, port: number, dir: string) {
  const cluster = execa(
    process.execPath,
    ['--import', 'tsx', 'scripts/cluster.ts', '--nodes', String(nodes), '--port', String(port), '--data-dir', dir, '--skip-build'],
    // Info lines go to the log files only (the launcher prints warnings and errors).
    { cwd: ROOT, reject: false, timeout: 110_000, env: { LOG_LEVEL: 'info' } },
  );
  const lines: string[] = [];
  const urls = await new Promise<string[]>((done, fail) => {
    createInterface({ input: cluster.stdout }).on('line', (line) => {
      lines.push(line);
      if (line.startsWith('Ctrl-C')) done(lines.flatMap((l) => /^node-\d +(http:\S+)/.exec(l)?.[1] ?? []));
    });
    void cluster.then((r) => fail(new Error(`the cluster exited early: ${r.stderr}\n${lines.join('\n')}`)));
  });
  return { cluster, lines, urls };
}

describe('npm run cluster', () => {
  it('starts a store and two nodes on one database, prints their URLs, and stops everything on SIGINT', async () => {
    // Two nodes on consecutive ports: both must be free (see freeConsecutivePorts).
    const port = await freeConsecutivePorts(2);
    const { cluster, lines, urls } = await startCluster(2, port, dataDir);
    const tree = descendants(cluster.pid as number);

    expect(urls).toEqual([`http://127.0.0.1:${port}`, `http://127.0.0.1:${port + 1}`]);
    expect(lines.some((l) => /^store +mongodb:\/\/127\.0\.0\.1:\d+\/discord-auto-content/.test(l))).toBe(true);
    for (const url of urls) expect(await json(`${url}/api/health`)).toEqual({ status: 200, body: { status: 'ok', db: 'up' } });
    // Both nodes share the database and the secrets: registered on one, logged in on the other,
    // the token works on the first.
    const [first, second] = urls as [string, string];
    const credentials = { email: 'cluster@example.com', password: 'correct horse battery' };
    expect((await json(`${first}/api/auth/register`, { method: 'POST', body: credentials })).status).toBe(201);
    const login = await json(`${second}/api/auth/login`, { method: 'POST', body: credentials });
    expect(login.status).toBe(200);
    const me = await json(`${first}/api/auth/me`, { token: String(login.body.accessToken) });
    expect(me).toMatchObject({ status: 200, body: { email: credentials.email } });

    process.kill(cluster.pid as number, 'SIGINT');
    const result = await cluster;

    expect(result.exitCode, result.stderr).toBe(0);
    expect(lines).toEqual(expect.arrayContaining(['node-1 exited (code 0)', 'node-2 exited (code 0)', 'store exited (code 0)']));
    // The store and both nodes were running.
    expect(tree.length).toBeGreaterThanOrEqual(3);
    expect(tree.filter(isRunning)).toEqual([]);
    // The store is a one-node replica set: the nodes learn desired-state changes by change stream.
    for (const node of ['node-1', 'node-2']) {
      const log = await readFile(join(dataDir, 'cluster-logs', `${node}.log`), 'utf8');
      expect(log).toContain('"msg":"desired-state changes by change stream (with a slow safety poll)"');
    }
  });

  it('leaves no process behind when the launcher itself is SIGKILLed', async () => {
    const { cluster } = await startCluster(1, await freeConsecutivePorts(1), join(dataDir, 'killed'));
    const tree = descendants(cluster.pid as number);
    try {
      process.kill(cluster.pid as number, 'SIGKILL');
      expect((await cluster).signal).toBe('SIGKILL');
      // The store and the node: their IPC channel from the launcher
      // closed; the node stops as on SIGTERM, the store once the node has disconnected.
      expect(tree.length).toBeGreaterThanOrEqual(2);
      await untilGone(tree, 40_000);
    } finally {
      for (const pid of tree.filter(isRunning)) process.kill(pid, 'SIGKILL');
    }
  });
});
