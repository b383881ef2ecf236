import { constants, getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { SupervisorError } from '../../../src/supervisor/errors.js';
import { fixtureSupervisor, isAlive, nextEvent, recordStates, stateOf } from './helpers.js';

describe('Supervisor lifecycle', () => {
  it('starts a worker and reports it ready with its bot identity', async () => {
    const { supervisor } = fixtureSupervisor();
    const ready = nextEvent(supervisor, 'ready', (s) => s.accountId === 'a1');
    await supervisor.start('a1');
    const [snapshot] = await ready;
    expect(snapshot).toMatchObject({ accountId: 'a1', state: 'ready', botUsername: 'fixture-a1', guildCount: 1 });
    expect(isAlive(snapshot.pid ?? -1)).toBe(true);
  });

  it('runs each worker the configured nice steps below the server (default 0 = same priority)', async () => {
    const mine = getPriority();
    const below = (by: number) => Math.min(constants.priority.PRIORITY_LOW, mine + by);
    const { supervisor } = fixtureSupervisor();
    await supervisor.start('a1');
    expect(getPriority((await stateOf(supervisor, 'a1', 'ready')).pid ?? -1)).toBe(mine);
    const five = fixtureSupervisor({}, { niceness: 5 }).supervisor;
    await five.start('a2');
    expect(getPriority((await stateOf(five, 'a2', 'ready')).pid ?? -1)).toBe(below(5));
    const lower = fixtureSupervisor({}, { niceness: 12 }).supervisor;
    await lower.start('a3');
    expect(getPriority((await stateOf(lower, 'a3', 'ready')).pid ?? -1)).toBe(below(12));
  });

  it('goes through starting and connecting on the way to ready', async () => {
    const { supervisor } = fixtureSupervisor();
    const states = recordStates(supervisor, 'a1');
    await supervisor.start('a1');
    await stateOf(supervisor, 'a1', 'ready');
    expect(states).toEqual(['starting', 'connecting', 'ready']);
  });

  it('treats starting a running worker as a no-op', async () => {
    const { supervisor, inits } = fixtureSupervisor();
    await supervisor.start('a1');
    const ready = await stateOf(supervisor, 'a1', 'ready');
    const again = await supervisor.start('a1');
    expect(again).toMatchObject({ state: 'ready', pid: ready.pid });
    expect(inits).toEqual(['a1']);
  });

  it('replaces a worker killed with SIGKILL and brings it back to ready', async () => {
    const { supervisor } = fixtureSupervisor();
    await supervisor.start('a1');
    const first = await stateOf(supervisor, 'a1', 'ready');
    const exit = nextEvent(supervisor, 'exit', (id) => id === 'a1');
    const readyAgain = nextEvent(supervisor, 'ready', (s) => s.accountId === 'a1');
    process.kill(first.pid ?? -1, 'SIGKILL');
    const [, , signal] = await exit;
    const [second] = await readyAgain;
    expect(signal).toBe('SIGKILL');
    expect(second.pid).not.toBe(first.pid);
    expect(second.restarts).toBe(1);
    expect(second.lastError?.code).toBe('EXITED');
  });

  it('restarts a killed ready worker at once, without a backoff', async () => {
    const { supervisor } = fixtureSupervisor({}, { restart: { baseDelayMs: 60_000 } });
    await supervisor.start('a1');
    const first = await stateOf(supervisor, 'a1', 'ready');
    const states = recordStates(supervisor, 'a1');
    process.kill(first.pid ?? -1, 'SIGKILL');
    await nextEvent(supervisor, 'ready', (s) => s.accountId === 'a1');
    expect(states).toEqual(['starting', 'connecting', 'ready']);
  });

  it('fetches a fresh init at every spawn', async () => {
    const { supervisor, inits } = fixtureSupervisor();
    await supervisor.start('a1');
    const first = await stateOf(supervisor, 'a1', 'ready');
    const readyAgain = nextEvent(supervisor, 'ready', (s) => s.accountId === 'a1');
    process.kill(first.pid ?? -1, 'SIGKILL');
    await readyAgain;
    expect(inits).toEqual(['a1', 'a1']);
  });

  it('stops a worker gracefully', async () => {
    const { supervisor } = fixtureSupervisor();
    await supervisor.start('a1');
    const { pid } = await stateOf(supervisor, 'a1', 'ready');
    const exit = nextEvent(supervisor, 'exit', (id) => id === 'a1');
    const stopped = await supervisor.stop('a1');
    const [, code, signal] = await exit;
    expect(stopped.state).toBe('stopped');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(isAlive(pid ?? -1)).toBe(false);
  });

  it('refuses to start a worker that is still stopping', async () => {
    const { supervisor } = fixtureSupervisor();
    await supervisor.start('a1');
    await stateOf(supervisor, 'a1', 'ready');
    const stopping = supervisor.stop('a1');
    await expect(supervisor.start('a1')).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION', state: 'stopping' });
    await stopping;
  });

  it('replaces the process on restart()', async () => {
    const { supervisor } = fixtureSupervisor();
    await supervisor.start('a1');
    const first = await stateOf(supervisor, 'a1', 'ready');
    const readyAgain = nextEvent(supervisor, 'ready', (s) => s.accountId === 'a1');
    await supervisor.restart('a1');
    const [second] = await readyAgain;
    expect(second.pid).not.toBe(first.pid);
    expect(second.restarts).toBe(1);
    expect(isAlive(first.pid ?? -1)).toBe(false);
  });

  it('puts a worker in error when its init cannot be resolved', async () => {
    const { supervisor } = fixtureSupervisor(
      {},
      {
        resolveInit: async () => {
          throw new Error('account not found');
        },
      },
    );
    const fatal = nextEvent(supervisor, 'fatal', (id) => id === 'gone');
    await supervisor.start('gone');
    const [, code, message] = await fatal;
    expect(code).toBe('INIT_FAILED');
    expect(message).toContain('account not found');
    expect(supervisor.get('gone')?.state).toBe('error');
  });

  it('reports a missing worker file as an error instead of crash-looping', async () => {
    const { supervisor } = fixtureSupervisor({}, { workerPath: '/nonexistent/worker.cjs' });
    await supervisor.start('a1');
    const snapshot = await stateOf(supervisor, 'a1', 'error');
    expect(snapshot.lastError?.code).toBe('WORKER_MISSING');
  });

  it('counts workers by state', async () => {
    const { supervisor } = fixtureSupervisor({ bad: 'fixture:token-invalid' });
    await supervisor.start('a1');
    await supervisor.start('bad');
    await Promise.all([stateOf(supervisor, 'a1', 'ready'), stateOf(supervisor, 'bad', 'error')]);
    expect(supervisor.countsByState()).toMatchObject({ ready: 1, error: 1, stopped: 0 });
    expect(supervisor.list().map((s) => s.accountId).sort()).toEqual(['a1', 'bad']);
  });

  it('resolves stop of an unknown account as stopped', async () => {
    const { supervisor } = fixtureSupervisor();
    await expect(supervisor.stop('never-started')).resolves.toMatchObject({ state: 'stopped' });
    expect(supervisor.get('never-started')).toBeUndefined();
  });

  it('refuses to start anything after close', async () => {
    const { supervisor } = fixtureSupervisor();
    await supervisor.close();
    await expect(supervisor.start('a1')).rejects.toBeInstanceOf(SupervisorError);
    await expect(supervisor.start('a1')).rejects.toMatchObject({ code: 'SUPERVISOR_CLOSED' });
  });
});
