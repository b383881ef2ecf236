import { describe, expect, it } from 'vitest';
import { fixtureSupervisor, stateOf } from './helpers.js';

const dm = { mode: 'dm', recipientId: '222' } as const;
const smallBudget = { invalidRequests: { limit: 10, refuseAtRatio: 0.8, windowMs: 600_000 } };

describe('Supervisor shared invalid-request budget', () => {
  it('counts invalid requests reported by all workers together', async () => {
    const { supervisor } = fixtureSupervisor({ a1: 'fixture:invalid-requests:3', a2: 'fixture:invalid-requests:4' });
    await supervisor.start('a1');
    await supervisor.start('a2');
    await Promise.all([stateOf(supervisor, 'a1', 'ready'), stateOf(supervisor, 'a2', 'ready')]);
    // IPC keeps order: once the pong is back, every earlier report has been counted.
    await Promise.all([supervisor.ping('a1'), supervisor.ping('a2')]);
    expect(supervisor.invalidRequestCount()).toBe(7);
  });

  it('refuses deliveries from every account once the budget is nearly spent', async () => {
    const { supervisor } = fixtureSupervisor({ broken: 'fixture:invalid-requests:8' }, smallBudget);
    await supervisor.start('healthy');
    await supervisor.start('broken');
    await Promise.all([stateOf(supervisor, 'healthy', 'ready'), stateOf(supervisor, 'broken', 'ready')]);
    await supervisor.ping('broken');
    const error = await supervisor.deliver('healthy', dm, { content: 'x' }).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'INVALID_REQUEST_BUDGET', retryable: true });
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
  });

  it('delays new starts while the budget is nearly spent', async () => {
    const { supervisor, inits } = fixtureSupervisor({ broken: 'fixture:invalid-requests:8' }, smallBudget);
    await supervisor.start('broken');
    await stateOf(supervisor, 'broken', 'ready');
    await supervisor.ping('broken');
    await supervisor.start('later');
    const delayed = await stateOf(supervisor, 'later', 'backoff');
    expect(delayed.retryAt).toBeGreaterThan(Date.now());
    expect(inits).toEqual(['broken']);
  });

  it('keeps delivering while the budget has room', async () => {
    const { supervisor } = fixtureSupervisor({ a1: 'fixture:invalid-requests:7' }, smallBudget);
    await supervisor.start('a1');
    await stateOf(supervisor, 'a1', 'ready');
    await supervisor.ping('a1');
    await expect(supervisor.deliver('a1', dm, { content: 'x' })).resolves.toMatchObject({ channelId: 'dm-222' });
  });
});
