import { describe, expect, it } from 'vitest';
import { fixtureSupervisor, stateOf } from './helpers.js';

describe('Supervisor logging', () => {
  it('relays a child pino line with its account id, level and message', async () => {
    const { supervisor, log } = fixtureSupervisor();
    await supervisor.start('a1');
    await stateOf(supervisor, 'a1', 'ready');
    await supervisor.stop('a1');
    const line = log.entries().find((e) => e.msg === 'fixture worker started');
    expect(line).toMatchObject({ accountId: 'a1', level: 30, behaviour: 'ok', worker: true });
  });

  it('wraps a plain text line from a child with its account id', async () => {
    const { supervisor, log } = fixtureSupervisor();
    await supervisor.start('a1');
    await stateOf(supervisor, 'a1', 'ready');
    await supervisor.stop('a1');
    expect(log.entries().find((e) => e.msg === 'plain text line from a1')).toMatchObject({ accountId: 'a1' });
  });

  it('scrubs the token from everything a worker prints', async () => {
    const token = 'fixture:leak:MTIzNDU2Nzg5MDEyMzQ1Njc4.Gabcde.secretpart';
    const { supervisor, log } = fixtureSupervisor({ a1: token });
    await supervisor.start('a1');
    await stateOf(supervisor, 'a1', 'ready');
    await supervisor.stop('a1');
    const leaks = log.entries().filter((e) => String(e.msg).includes('[REDACTED]'));
    expect(leaks.map((e) => e.level).sort()).toEqual([30, 40, 40]);
    expect(log.text()).not.toContain('secretpart');
  });

  it('logs and drops malformed IPC messages and keeps the worker running', async () => {
    const token = 'fixture:garbage:c2VjcmV0LXRva2Vu';
    const { supervisor, log } = fixtureSupervisor({ a1: token });
    await supervisor.start('a1');
    const snapshot = await stateOf(supervisor, 'a1', 'ready');
    await supervisor.ping('a1');
    const dropped = log.entries().filter((e) => e.msg === 'malformed IPC message from worker dropped');
    expect(dropped).toHaveLength(5);
    expect(dropped.every((e) => e.accountId === 'a1')).toBe(true);
    expect(log.text()).not.toContain('c2VjcmV0LXRva2Vu');
    expect(supervisor.get('a1')).toMatchObject({ state: 'ready', pid: snapshot.pid, restarts: 0 });
  });
});
