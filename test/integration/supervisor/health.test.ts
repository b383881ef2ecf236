import { describe, expect, it } from 'vitest';
import { fixtureSupervisor, nextEvent, recordStates, stateOf } from './helpers.js';

describe('Supervisor health checks and restarts', () => {
  it('stops restarting a worker that crashes at start-up and marks it crashed', async () => {
    const { supervisor, inits } = fixtureSupervisor({ a1: 'fixture:crash-at-start' });
    let exits = 0;
    supervisor.on('exit', (id) => {
      if (id === 'a1') exits += 1;
    });
    await supervisor.start('a1');
    const crashed = await stateOf(supervisor, 'a1', 'crashed');
    // maxCrashesInWindow is 3: the fourth crash ends it.
    expect(inits).toHaveLength(4);
    expect(exits).toBe(4);
    expect(crashed.restarts).toBe(3);
    expect(crashed.lastError?.code).toBe('EXITED');
  });

  it('waits before respawning a worker that died before it was ready', async () => {
    const { supervisor } = fixtureSupervisor({ a1: 'fixture:crash-at-start' });
    const states = recordStates(supervisor, 'a1');
    await supervisor.start('a1');
    const backoff = await stateOf(supervisor, 'a1', 'backoff');
    expect(states).toEqual(['starting', 'backoff']);
    expect(backoff.retryAt).toBeGreaterThan(backoff.lastError?.at ?? Number.POSITIVE_INFINITY);
  });

  it('lets the user start a crashed worker again', async () => {
    const { supervisor, inits } = fixtureSupervisor({ a1: 'fixture:crash-at-start' });
    await supervisor.start('a1');
    await stateOf(supervisor, 'a1', 'crashed');
    const spawnsBefore = inits.length;
    const restarted = await supervisor.start('a1');
    expect(restarted.state).toBe('starting');
    await stateOf(supervisor, 'a1', 'backoff');
    expect(inits.length).toBe(spawnsBefore + 1);
  });

  it('kills a worker whose event loop blocks and restarts it', async () => {
    const { supervisor } = fixtureSupervisor({ a1: 'fixture:block' });
    await supervisor.start('a1');
    const first = await stateOf(supervisor, 'a1', 'ready');
    const [, , signal] = await nextEvent(supervisor, 'exit', (id) => id === 'a1');
    const snapshot = await stateOf(supervisor, 'a1', 'ready');
    expect(signal).toBe('SIGKILL');
    expect(snapshot.pid).not.toBe(first.pid);
    expect(snapshot.lastError?.code).toBe('HEARTBEAT_TIMEOUT');
  });

  it('kills a worker that reports a stalled event loop', async () => {
    const { supervisor } = fixtureSupervisor({ a1: 'fixture:lagging' });
    await supervisor.start('a1');
    const [, , signal] = await nextEvent(supervisor, 'exit', (id) => id === 'a1');
    expect(signal).toBe('SIGKILL');
    expect(supervisor.get('a1')?.lastError?.code).toBe('EVENT_LOOP_STALLED');
  });

  it('keeps a worker that reports one slow interval among normal ones', async () => {
    const { supervisor } = fixtureSupervisor({ a1: 'fixture:lag-once' });
    await supervisor.start('a1');
    const { pid } = await stateOf(supervisor, 'a1', 'ready');
    let beats = 0;
    await nextEvent(supervisor, 'heartbeat', (id) => id === 'a1' && ++beats === 6);
    expect(supervisor.get('a1')).toMatchObject({ state: 'ready', pid, restarts: 0 });
  });

  it('does not kill a healthy worker because the parent itself stalled', async () => {
    const { supervisor } = fixtureSupervisor();
    await supervisor.start('a1');
    const { pid } = await stateOf(supervisor, 'a1', 'ready');
    // Block this process longer than the heartbeat timeout (6 × 500 ms) while the child beats,
    // from a check-phase callback: the loop then runs due timers before it reads pending IPC.
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        const until = Date.now() + 4_500;
        while (Date.now() < until) {
          // busy
        }
        resolve();
      }),
    );
    // A beat sent well after the stall: by the same child if it survived, by a replacement if not.
    const after = Date.now() + 1_000;
    await nextEvent(supervisor, 'heartbeat', (id, beat) => id === 'a1' && beat.at > after);
    expect(supervisor.get('a1')).toMatchObject({ state: 'ready', pid, restarts: 0 });
  });

  it('kills a child that never says anything once its start timeout passes', async () => {
    const { supervisor } = fixtureSupervisor({ a1: 'fixture:silent' }, { startTimeoutMs: 300 });
    await supervisor.start('a1');
    const [, , signal] = await nextEvent(supervisor, 'exit', (id) => id === 'a1');
    const snapshot = await stateOf(supervisor, 'a1', 'backoff');
    expect(signal).toBe('SIGKILL');
    expect(snapshot.lastError?.code).toBe('START_TIMEOUT');
  });

  it('kills a child that is alive but never ready once its ready timeout passes', async () => {
    const { supervisor } = fixtureSupervisor({ a1: 'fixture:slow-ready:60000' }, { readyTimeoutMs: 500 });
    await supervisor.start('a1');
    await stateOf(supervisor, 'a1', 'connecting');
    const [, , signal] = await nextEvent(supervisor, 'exit', (id) => id === 'a1');
    expect(signal).toBe('SIGKILL');
    expect(supervisor.get('a1')?.lastError?.code).toBe('READY_TIMEOUT');
  });

  it('detects a child that stops sending heartbeats', async () => {
    const { supervisor } = fixtureSupervisor({ a1: 'fixture:no-heartbeat' });
    await supervisor.start('a1');
    await stateOf(supervisor, 'a1', 'ready');
    await nextEvent(supervisor, 'exit', (id) => id === 'a1');
    expect(supervisor.get('a1')?.lastError?.code).toBe('HEARTBEAT_TIMEOUT');
  });

  it('replaces a worker over its memory cap through a graceful shutdown', async () => {
    const { supervisor } = fixtureSupervisor({ a1: 'fixture:rss-hog' });
    await supervisor.start('a1');
    const [, code, signal] = await nextEvent(supervisor, 'exit', (id) => id === 'a1');
    const snapshot = await stateOf(supervisor, 'a1', 'ready');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(snapshot.lastError?.code).toBe('MEMORY_LIMIT');
    expect(snapshot.restarts).toBe(1);
  });

  it('puts a worker with an invalid token in error and never restarts it', async () => {
    const token = 'fixture:token-invalid:Tk9UQV9SRUFMX1RPS0VO.GhIjKl.abcdef';
    const { supervisor, inits, log } = fixtureSupervisor({ a1: token });
    const fatal = nextEvent(supervisor, 'fatal', (id) => id === 'a1');
    await supervisor.start('a1');
    const [, code] = await fatal;
    const snapshot = await stateOf(supervisor, 'a1', 'error');
    expect(code).toBe('TOKEN_INVALID');
    expect(snapshot).toMatchObject({ restarts: 0, lastError: { code: 'TOKEN_INVALID' } });
    expect(snapshot.pid).toBeUndefined();
    expect(inits).toEqual(['a1']);
    expect(log.text()).not.toContain('Tk9UQV9SRUFMX1RPS0VO');
  });

  it('restarts a worker whose login timed out (not a fatal code)', async () => {
    const { supervisor } = fixtureSupervisor({ a1: 'fixture:login-timeout' });
    const fatal = nextEvent(supervisor, 'fatal', (id) => id === 'a1');
    await supervisor.start('a1');
    const [, code] = await fatal;
    const snapshot = await stateOf(supervisor, 'a1', 'backoff');
    expect(code).toBe('LOGIN_TIMEOUT');
    expect(snapshot.lastError?.code).toBe('LOGIN_TIMEOUT');
  });

  it('cancels a pending restart when the worker is stopped during its backoff', async () => {
    const { supervisor, inits } = fixtureSupervisor(
      { a1: 'fixture:crash-at-start' },
      { restart: { baseDelayMs: 60_000, maxDelayMs: 60_000 } },
    );
    await supervisor.start('a1');
    await stateOf(supervisor, 'a1', 'backoff');
    const stopped = await supervisor.stop('a1');
    expect(stopped.state).toBe('stopped');
    expect(stopped.retryAt).toBeUndefined();
    expect(inits).toEqual(['a1']);
  });

  it('restarts a worker in backoff at once when asked to', async () => {
    const { supervisor, inits } = fixtureSupervisor(
      { a1: 'fixture:crash-at-start' },
      { restart: { baseDelayMs: 60_000, maxDelayMs: 60_000 } },
    );
    await supervisor.start('a1');
    await stateOf(supervisor, 'a1', 'backoff');
    await supervisor.restart('a1');
    await nextEvent(supervisor, 'exit', (id) => id === 'a1');
    expect(inits).toEqual(['a1', 'a1']);
  });
});
