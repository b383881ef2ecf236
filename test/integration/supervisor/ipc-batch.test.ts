import { describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../../src/ipc/index.js';
import { eventually, fixtureSupervisor, stateOf } from './helpers.js';

const dm = { mode: 'dm', recipientId: 'friend-1' } as const;

describe('IPC batches (one write per turn)', () => {
  it('writes the deliveries to one worker of one turn as one batch, in order; other messages go at once, after them', async () => {
    const { supervisor, log } = fixtureSupervisor();
    await supervisor.start('a1');
    await stateOf(supervisor, 'a1', 'ready');
    const sent = await Promise.all([
      supervisor.deliver('a1', dm, { content: 'one' }),
      supervisor.deliver('a1', dm, { content: 'two' }),
      supervisor.ping('a1'),
      supervisor.deliver('a1', dm, { content: 'three' }),
    ]);
    // The fixture answers each deliver with `msg-<requestId>`: request ids rise in send order.
    const ids = [sent[0], sent[1], sent[3]].map((r) => Number(r.messageId.replace('msg-', '')));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(3);
    // The child reports every batch it reads (relayed through its stdout).
    await eventually(() => log.entries().some((e) => e.msg === 'ipc batch'), 10_000, 'the batch report');
    const batches = log.entries().filter((e) => e.msg === 'ipc batch' && e.accountId === 'a1');
    // The ping is written at once, with the deliveries queued before it; the last one goes alone.
    expect(batches.map((b) => b.types)).toEqual([['deliver', 'deliver', 'ping']]);
  });

  it('drops the malformed entries of a batch from a worker and handles the others in order', async () => {
    const token = 'fixture:batch-garbage:c2VjcmV0LXRva2Vu';
    const { supervisor, log } = fixtureSupervisor({ a1: token });
    const seen: ActivityEvent[] = [];
    supervisor.on('activity', (accountId, event) => accountId === 'a1' && seen.push(event));
    await supervisor.start('a1');
    const snapshot = await stateOf(supervisor, 'a1', 'ready');
    // IPC keeps order: once the pong is back, the batch sent after `ready` has been read.
    await supervisor.ping('a1');
    expect(seen.map((e) => e.discordUserId)).toEqual(['first', 'second', 'third']);
    const dropped = log.entries().filter((e) => e.msg === 'malformed IPC message from worker dropped');
    expect(dropped).toHaveLength(2);
    expect(log.text()).not.toContain('c2VjcmV0LXRva2Vu');
    expect(supervisor.get('a1')).toMatchObject({ state: 'ready', pid: snapshot.pid, restarts: 0 });
  });
});
