import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { WorkerSnapshot } from '../../../src/supervisor/types.js';
import { eventually, fixtureSupervisor, isAlive, nextEvent, stateOf } from './helpers.js';

const PARENT_SCRIPT = fileURLToPath(new URL('../../support/fixtures/supervisor-parent.ts', import.meta.url));

describe('Supervisor shutdown', () => {
  it('closes 20 workers, SIGKILLs the one that ignores shutdown, and leaves no process behind', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `w${i}`);
    const { supervisor } = fixtureSupervisor({ w7: 'fixture:ignore-shutdown' }, { shutdownGraceMs: 1_500 });
    const exits = new Map<string, { code: number | null; signal: NodeJS.Signals | null }>();
    supervisor.on('exit', (id, code, signal) => exits.set(id, { code, signal }));
    for (const id of ids) await supervisor.start(id);
    const snapshots: WorkerSnapshot[] = await Promise.all(
      ids.map((id) => stateOf(supervisor, id, 'ready', 60_000)),
    );
    const pids = snapshots.map((s) => s.pid ?? -1);

    await supervisor.close();

    expect(pids.filter(isAlive)).toEqual([]);
    expect(exits.size).toBe(20);
    expect(exits.get('w7')).toEqual({ code: null, signal: 'SIGKILL' });
    expect([...exits].filter(([id]) => id !== 'w7').every(([, e]) => e.code === 0)).toBe(true);
    expect(supervisor.countsByState().stopped).toBe(20);
  }, 90_000);

  it('cancels queued starts on close', async () => {
    const { supervisor, inits } = fixtureSupervisor({}, { spawnConcurrency: 1 });
    const ids = ['q0', 'q1', 'q2', 'q3'];
    for (const id of ids) await supervisor.start(id);
    await supervisor.close();
    expect(inits.length).toBeLessThan(ids.length);
    expect(supervisor.list().every((s) => s.state === 'stopped' && s.pid === undefined)).toBe(true);
  });

  it('rejects in-flight deliveries when closing', async () => {
    const { supervisor } = fixtureSupervisor();
    await supervisor.start('a1');
    await stateOf(supervisor, 'a1', 'ready');
    const pending = supervisor
      .deliver('a1', { mode: 'dm', recipientId: '1' }, { content: 'hang' }, { timeoutMs: 600_000 })
      .catch((err: unknown) => err);
    await supervisor.close();
    await expect(pending).resolves.toMatchObject({ code: 'WORKER_EXITED' });
  });

  it('leaves no orphan when the server process is SIGKILLed', async () => {
    const parent = execa(process.execPath, ['--import', 'tsx', PARENT_SCRIPT, '3'], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      buffer: false,
      reject: false,
    });
    const pids = await new Promise<number[]>((resolve, reject) => {
      let out = '';
      parent.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { pids: number[] }).pids);
      });
      parent.once('exit', () => reject(new Error('parent exited before its workers were ready')));
    });
    expect(pids.filter(isAlive)).toHaveLength(3);

    parent.kill('SIGKILL');
    await parent;
    await eventually(() => pids.every((pid) => !isAlive(pid)), 5_000, 'workers of the killed parent to exit');
  }, 60_000);
});

describe('Supervisor crash during close', () => {
  it('still resolves close when a worker dies on its own meanwhile', async () => {
    const { supervisor } = fixtureSupervisor({ a1: 'fixture:crash-after-ready:50' });
    await supervisor.start('a1');
    await stateOf(supervisor, 'a1', 'ready');
    const exited = nextEvent(supervisor, 'exit', (id) => id === 'a1');
    await supervisor.close();
    await exited;
    expect(supervisor.get('a1')?.state).toBe('stopped');
  });
});
