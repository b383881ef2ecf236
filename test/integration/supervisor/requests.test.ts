import { describe, expect, it } from 'vitest';
import { DeliveryFailedError } from '../../../src/supervisor/errors.js';
import { fixtureSupervisor, nextEvent, stateOf } from './helpers.js';

const dm = { mode: 'dm', recipientId: '222' } as const;

async function readySupervisor(tokens: Record<string, string> = {}) {
  const ctx = fixtureSupervisor(tokens);
  await ctx.supervisor.start('a1');
  const snapshot = await stateOf(ctx.supervisor, 'a1', 'ready');
  return { ...ctx, snapshot };
}

describe('Supervisor requests', () => {
  it('delivers a DM and returns the message and channel ids', async () => {
    const { supervisor } = await readySupervisor();
    await expect(supervisor.deliver('a1', dm, { content: 'hello' })).resolves.toEqual({
      messageId: expect.stringMatching(/^msg-\d+$/),
      channelId: 'dm-222',
    });
  });

  it('delivers to a channel', async () => {
    const { supervisor } = await readySupervisor();
    const result = await supervisor.deliver('a1', { mode: 'channel', recipientId: '222', channelId: '333' }, { content: 'hi' });
    expect(result.channelId).toBe('333');
  });

  it('matches concurrent replies to their requests', async () => {
    const { supervisor } = await readySupervisor();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => supervisor.deliver('a1', dm, { content: 'x' })),
    );
    expect(new Set(results.map((r) => r.messageId)).size).toBe(20);
  });

  it('rejects a delivery the worker reports as failed, with its reason', async () => {
    const { supervisor } = await readySupervisor();
    const error = await supervisor.deliver('a1', dm, { content: 'fail' }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error).toMatchObject({
      code: 'DELIVERY_FAILED',
      reasonCode: 50007,
      status: 403,
      retryable: false,
      accountId: 'a1',
      message: 'Cannot send messages to this user',
    });
  });

  it('carries the retry delay of a rate-limited delivery', async () => {
    const { supervisor } = await readySupervisor();
    await expect(supervisor.deliver('a1', dm, { content: 'rate-limited' })).rejects.toMatchObject({
      retryable: true,
      retryAfterMs: 1500,
      status: 429,
    });
  });

  it('rejects a delivery that is not answered in time', async () => {
    const { supervisor } = await readySupervisor();
    await expect(supervisor.deliver('a1', dm, { content: 'hang' }, { timeoutMs: 200 })).rejects.toMatchObject({
      code: 'REQUEST_TIMEOUT',
      retryable: true,
    });
  });

  it('rejects every pending request at once when the worker exits', async () => {
    const { supervisor, snapshot } = await readySupervisor();
    const pending = [1, 2, 3].map(() =>
      supervisor.deliver('a1', dm, { content: 'hang' }, { timeoutMs: 600_000 }).catch((err: unknown) => err),
    );
    const exit = nextEvent(supervisor, 'exit', (id) => id === 'a1');
    process.kill(snapshot.pid ?? -1, 'SIGKILL');
    const errors = await Promise.all(pending);
    expect(errors.map((e) => (e as { code: string }).code)).toEqual(['WORKER_EXITED', 'WORKER_EXITED', 'WORKER_EXITED']);
    await exit;
  });

  it('refuses a delivery to a stopped worker as not retryable', async () => {
    const { supervisor } = await readySupervisor();
    await supervisor.stop('a1');
    await expect(supervisor.deliver('a1', dm, { content: 'x' })).rejects.toMatchObject({
      code: 'WORKER_NOT_READY',
      retryable: false,
      state: 'stopped',
    });
  });

  it('refuses a delivery to a worker still connecting as retryable', async () => {
    const { supervisor } = fixtureSupervisor({ a1: 'fixture:slow-ready:60000' });
    await supervisor.start('a1');
    await stateOf(supervisor, 'a1', 'connecting');
    await expect(supervisor.deliver('a1', dm, { content: 'x' })).rejects.toMatchObject({
      code: 'WORKER_NOT_READY',
      retryable: true,
    });
  });

  it('answers a ping with the round-trip time', async () => {
    const { supervisor } = await readySupervisor();
    const ms = await supervisor.ping('a1');
    expect(ms).toBeGreaterThanOrEqual(0);
  });

  it('refuses to ping an account without a worker', async () => {
    const { supervisor } = fixtureSupervisor();
    await expect(supervisor.ping('nobody')).rejects.toMatchObject({ code: 'WORKER_NOT_RUNNING' });
  });

  it('sends a new friend list to a running worker', async () => {
    const { supervisor } = await readySupervisor();
    const seen: string[] = [];
    const both = new Promise<void>((resolve) => {
      supervisor.on('activity', (accountId, event) => {
        if (accountId === 'a1') seen.push(event.discordUserId);
        if (seen.length === 2) resolve();
      });
    });
    expect(supervisor.updateFriends('a1', ['111', '112'])).toBe(true);
    await both;
    expect(seen).toEqual(['111', '112']);
  });

  it('says a friend list could not be sent when no worker runs', async () => {
    const { supervisor } = fixtureSupervisor();
    expect(supervisor.updateFriends('a1', ['111'])).toBe(false);
  });
});
