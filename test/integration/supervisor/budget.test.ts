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

describe("Supervisor per-owner share of the invalid-request budget", () => {
  // Server-wide room for 100 (refused at 80); each owner 5.
  const shares = { invalidRequests: { limit: 100, refuseAtRatio: 0.8, windowMs: 600_000 }, invalidRequestsPerOwner: 5 };
  const owners: Record<string, string> = { broken: 'mallory', sibling: 'mallory', later: 'mallory', healthy: 'alice', fresh: 'alice' };

  function sharedSupervisor() {
    const inits: string[] = [];
    const t = fixtureSupervisor({}, {
      ...shares,
      resolveInit: async (accountId) => {
        inits.push(accountId);
        const token = accountId === 'broken' ? 'fixture:invalid-requests:6' : 'fixture:ok';
        return { token, friends: [], owner: owners[accountId] };
      },
    });
    return { ...t, inits };
  }

  it("refuses only the spending owner's deliveries and delays only their starts", async () => {
    const { supervisor, inits } = sharedSupervisor();
    await Promise.all(['broken', 'sibling', 'healthy'].map((id) => supervisor.start(id)));
    await Promise.all(['broken', 'sibling', 'healthy'].map((id) => stateOf(supervisor, id, 'ready')));
    await supervisor.ping('broken');
    expect(supervisor.invalidRequestCount()).toBe(6);

    const refused = await supervisor.deliver('sibling', dm, { content: 'x' }).catch((err: unknown) => err);
    expect(refused).toMatchObject({ code: 'INVALID_REQUEST_BUDGET', retryable: true });
    await expect(supervisor.deliver('healthy', dm, { content: 'x' })).resolves.toMatchObject({ channelId: 'dm-222' });

    await supervisor.start('later');
    await supervisor.start('fresh');
    await stateOf(supervisor, 'later', 'backoff');
    await stateOf(supervisor, 'fresh', 'ready');
    expect(supervisor.get('later')?.retryAt).toBeGreaterThan(Date.now());
    expect(inits).toContain('later');
  });
});
