import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { constants, getPriority } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { startEmbeddedMongo } from '../../../../src/db/embedded/index.js';
import { type StoreChildEvents, findStoreEntry } from '../../../../src/db/embedded/store-child.js';
import { isRunning } from '../../../support/process-tree.js';
import { loggerWithEvents } from '../../../support/log-events.js';
import { useStoreChildren } from '../../../support/store-children.js';

// The embedded store in a process of its own, as the server runs it: the bundled dist/store.js
// (built by the global setup), real processes, the real driver.

const stores = useStoreChildren();

type Exit = StoreChildEvents['exit'][0];

describe('StoreChild', () => {
  it('runs the store the given nice steps below the server, and at its priority by default', async () => {
    const mine = getPriority();
    const plain = await stores.start();
    expect(getPriority(plain.pid as number)).toBe(mine);
    await plain.stop();
    const lowered = await stores.start(undefined, { niceness: 3 });
    expect(getPriority(lowered.pid as number)).toBe(Math.min(constants.priority.PRIORITY_LOW, mine + 3));
  });

  it('runs the store process with the extra node flags it is given', async () => {
    const store = await stores.start(undefined, { nodeArgs: ['--max-semi-space-size=8', '--stack-size=2000'] });
    const argv = readFileSync(`/proc/${String(store.pid)}/cmdline`, 'utf8').split('\0');
    expect(argv.slice(1, 3)).toEqual(['--max-semi-space-size=8', '--stack-size=2000']);
    const client = await new MongoClient(`${store.uri}/t`).connect();
    try {
      expect(await client.db().command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      await client.close();
    }
  });

  it('serves the driver from its own process, comes back after SIGKILL with the data intact (backing off), and stops for good', async () => {
    const { logger, events } = loggerWithEvents('info');
    const restarts: Array<Record<string, unknown>> = [];
    events.on('line', (line: Record<string, unknown>) => {
      if (line.msg === 'embedded store process exited; restarting it') restarts.push(line);
    });
    const startedBefore = Date.now();
    const store = await stores.start(logger);
    const first = store.pid as number;
    expect(first).not.toBe(process.pid);
    expect(isRunning(first)).toBe(true);
    const initial = store.status();
    expect(initial).toEqual({ pid: first, up: true, startedAt: expect.any(Number), restarts: { crash: 0, hang: 0 } });
    expect(initial.startedAt).toBeGreaterThanOrEqual(startedBefore);

    const client = await new MongoClient(`${store.uri}/t`).connect();
    try {
      await client.db().collection('notes').insertOne({ _id: 'kept' as never, n: 1 });

      // Two crashes in a row: each process is replaced, the second after a longer wait.
      let pid = first;
      for (let crash = 1; crash <= 2; crash += 1) {
        const exited = once(store, 'exit') as Promise<[Exit]>;
        const ready = once(store, 'ready') as Promise<[number]>;
        process.kill(pid, 'SIGKILL');
        const [exit] = await exited;
        expect(exit).toMatchObject({ pid, signal: 'SIGKILL', restarting: true });
        const [next] = await ready;
        expect(next).not.toBe(pid);
        expect(store.pid).toBe(next);
        pid = next;
      }
      expect(restarts.map((r) => [r.cause, r.crashes, r.delayMs])).toEqual([
        ['crash', 1, 250],
        ['crash', 2, 500],
      ]);
      const restarted = store.status();
      expect(restarted).toMatchObject({ pid, up: true, restarts: { crash: 2, hang: 0 } });
      expect(restarted.startedAt).toBeGreaterThan(initial.startedAt);
      // The same client reconnects to the new process, which has the data.
      await expect(client.db().collection('notes').findOne({ _id: 'kept' as never })).resolves.toMatchObject({ n: 1 });
    } finally {
      await client.close();
    }

    const exited = once(store, 'exit') as Promise<[Exit]>;
    const last = store.pid as number;
    await store.stop();
    const [exit] = await exited;
    expect(exit).toMatchObject({ pid: last, code: 0, restarting: false });
    expect(isRunning(last)).toBe(false);
    expect(store.pid).toBeUndefined();
    expect(store.status()).toMatchObject({ pid: undefined, up: false, restarts: { crash: 2, hang: 0 } });
  });

  it('kills a store that stops answering its pings (SIGSTOP) and restarts it with the data intact', async () => {
    const { logger, events } = loggerWithEvents('info');
    const hungLines: Array<Record<string, unknown>> = [];
    events.on('line', (line: Record<string, unknown>) => {
      if (line.msg === 'embedded store process not answering; killing it') hungLines.push(line);
    });
    const store = await stores.start(logger, { hangTimeoutMs: 1_500 });
    const stopped = store.pid as number;
    const client = await new MongoClient(`${store.uri}/t`).connect();
    try {
      await client.db().collection('notes').insertOne({ _id: 'kept' as never, n: 1 });
      const hung = once(store, 'hung') as Promise<[StoreChildEvents['hung'][0]]>;
      const exited = once(store, 'exit') as Promise<[Exit]>;
      const ready = once(store, 'ready') as Promise<[number]>;
      process.kill(stopped, 'SIGSTOP');

      const [hang] = await hung;
      expect(hang.pid).toBe(stopped);
      expect(store.status()).toMatchObject({ up: false, restarts: { crash: 0, hang: 0 } });
      expect(hang.silentMs).toBeGreaterThanOrEqual(1_500);
      expect(hungLines).toEqual([expect.objectContaining({ storePid: stopped, hangTimeoutMs: 1_500 })]);
      const [exit] = await exited;
      expect(exit).toMatchObject({ pid: stopped, signal: 'SIGKILL', restarting: true });
      const [next] = await ready;
      expect(next).not.toBe(stopped);
      expect(isRunning(stopped)).toBe(false);
      // Counted as a hang, not as a crash, though it was a SIGKILL that ended it.
      expect(store.status()).toMatchObject({ pid: next, up: true, restarts: { crash: 0, hang: 1 } });
      await expect(client.db().collection('notes').findOne({ _id: 'kept' as never })).resolves.toMatchObject({ n: 1 });
    } finally {
      await client.close();
    }
  });

  it('fails to start with the store’s own reason when another store holds the data directory', async () => {
    const holder = await startEmbeddedMongo({ dataDir: stores.dataDir });
    try {
      await expect(stores.start()).rejects.toThrow(/in use by another embedded store process/);
    } finally {
      await holder.stop();
    }
  });
});

describe('findStoreEntry', () => {
  it('forks store.js beside the bundled server, and the TypeScript entry through tsx from source', () => {
    const dist = resolve(import.meta.dirname, '../../../../dist');
    expect(findStoreEntry(pathToFileURL(join(dist, 'server.js')).href)).toEqual({ path: join(dist, 'store.js'), execArgv: [] });
    expect(findStoreEntry(pathToFileURL(join(stores.dataDir, 'server.js')).href)).toBeUndefined();

    const source = findStoreEntry();
    expect(source?.path).toBe(resolve(import.meta.dirname, '../../../../src/db/embedded/store-process.ts'));
    expect(source?.execArgv).toEqual(['--import', expect.stringMatching(/^file:\/\/.*\/node_modules\/tsx\//)]);
  });
});
