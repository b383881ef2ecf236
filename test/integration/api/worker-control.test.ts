import { beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin } from '../../support/build-app.js';
import { useFakeDiscordApp } from '../../support/fake-discord-app.js';
import { botWithUser } from '../../support/watching-account.js';
import { createAccount, waitForWorker } from './helpers.js';

// A child paused with SIGSTOP below must stay in `stopping`: no hang detection, a long grace.
const t = useFakeDiscordApp({
  supervisor: { heartbeatMissThreshold: 1_000, maxEventLoopLagMs: 600_000, shutdownGraceMs: 60_000 },
});
let user: Awaited<ReturnType<typeof registerAndLogin>>;

const newBot = () => botWithUser(t.fake).bot;

beforeAll(async () => {
  user = await registerAndLogin(t.app);
});

const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: user.authorization }, ...(payload ? { payload } : {}) });

describe('starting and stopping an account', () => {
  it('starts the worker, which reaches ready with the bot identity', async () => {
    const bot = newBot();
    const { id } = await createAccount(t.app, user.authorization, { token: bot.token });

    const start = await call('POST', `/api/accounts/${id}/start`);
    expect(start.statusCode).toBe(200);
    expect(start.json()).toMatchObject({ id, desiredState: 'running', state: expect.stringMatching(/starting|connecting|ready/) });

    await waitForWorker(t.app, id, (w) => w.state === 'ready');
    const res = await call('GET', `/api/accounts/${id}`);
    expect(res.json()).toMatchObject({
      state: 'ready',
      desiredState: 'running',
      botUserId: bot.id,
      botUsername: bot.username,
      worker: { state: 'ready', restarts: 0, guildCount: 1, startedAt: expect.any(String), readyAt: expect.any(String) },
      node: t.app.cluster.nodeId,
    });
    expect(res.json().worker).not.toHaveProperty('pid');
    // The list writes a live worker as GET /:id does (heartbeats aside: one may arrive in between).
    const withoutBeat = (account: { worker: Record<string, unknown> }) => ({ ...account, worker: { ...account.worker, lastHeartbeat: undefined } });
    const listed = (await call('GET', '/api/accounts')).json<{ items: Array<{ id: string; worker: Record<string, unknown> }> }>();
    expect(withoutBeat(listed.items.find((a) => a.id === id)!)).toEqual(withoutBeat(res.json()));
    await call('POST', `/api/accounts/${id}/stop`);
  });

  it('leaves a running worker alone when started again', async () => {
    const { id } = await createAccount(t.app, user.authorization, { token: newBot().token });
    await call('POST', `/api/accounts/${id}/start`);
    const { pid } = await waitForWorker(t.app, id, (w) => w.state === 'ready');

    const again = await call('POST', `/api/accounts/${id}/start`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ state: 'ready', worker: { restarts: 0 } });
    expect(t.app.supervisor.get(id)?.pid).toBe(pid);
    await call('POST', `/api/accounts/${id}/stop`);
  });

  it('stops the worker and answers once it has exited; stopping again changes nothing', async () => {
    const { id } = await createAccount(t.app, user.authorization, { token: newBot().token });
    await call('POST', `/api/accounts/${id}/start`);
    const { pid } = await waitForWorker(t.app, id, (w) => w.state === 'ready');

    const stop = await call('POST', `/api/accounts/${id}/stop`);
    expect(stop.statusCode).toBe(200);
    expect(stop.json()).toMatchObject({ state: 'stopped', desiredState: 'stopped', node: null });
    expect(() => process.kill(pid!, 0)).toThrow();
    const again = await call('POST', `/api/accounts/${id}/stop`);
    expect(again.json()).toMatchObject({ state: 'stopped', desiredState: 'stopped' });
  });

  it('restarts a running worker with a new token', async () => {
    const first = newBot();
    const second = newBot();
    const { id } = await createAccount(t.app, user.authorization, { token: first.token });
    await call('POST', `/api/accounts/${id}/start`);
    await waitForWorker(t.app, id, (w) => w.state === 'ready' && w.botUserId === first.id);

    const put = await call('PUT', `/api/accounts/${id}`, { token: second.token });
    expect(put.statusCode).toBe(200);
    await waitForWorker(t.app, id, (w) => w.state === 'ready' && w.botUserId === second.id);
    expect((await call('GET', `/api/accounts/${id}`)).json()).toMatchObject({ botUserId: second.id, worker: { restarts: 1 } });
    await call('POST', `/api/accounts/${id}/stop`);
  });

  it('answers 409 to a start while the worker is still stopping, and keeps it stopped', async () => {
    const { id } = await createAccount(t.app, user.authorization, { token: newBot().token });
    await call('POST', `/api/accounts/${id}/start`);
    const { pid } = await waitForWorker(t.app, id, (w) => w.state === 'ready');
    // Paused, the child cannot act on `shutdown`, so the worker stays in `stopping`.
    process.kill(pid!, 'SIGSTOP');
    try {
      const stopping = call('POST', `/api/accounts/${id}/stop`);
      await waitForWorker(t.app, id, (w) => w.state === 'stopping');
      const start = await call('POST', `/api/accounts/${id}/start`);
      expect(start.statusCode).toBe(409);
      expect(start.json()).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'ILLEGAL_TRANSITION' });
      process.kill(pid!, 'SIGCONT');
      expect((await stopping).json()).toMatchObject({ state: 'stopped', desiredState: 'stopped' });
    } finally {
      try {
        process.kill(pid!, 'SIGCONT');
      } catch {
        // Already gone.
      }
    }
  });

  it('shows a fatal error for a token Discord refuses, without restarting', async () => {
    const { id } = await createAccount(t.app, user.authorization);
    await call('POST', `/api/accounts/${id}/start`);
    await waitForWorker(t.app, id, (w) => w.state === 'error');
    const res = await call('GET', `/api/accounts/${id}`);
    expect(res.json()).toMatchObject({
      state: 'error',
      desiredState: 'running',
      lastError: { code: 'TOKEN_INVALID', message: expect.any(String), at: expect.any(String) },
      worker: { state: 'error', restarts: 0 },
    });
  });

  it('shows fields that agree: no gateway state without a process, no old error once ready again', async () => {
    const { id } = await createAccount(t.app, user.authorization);
    await call('POST', `/api/accounts/${id}/start`);
    await waitForWorker(t.app, id, (w) => w.state === 'error');
    const failed = (await call('GET', `/api/accounts/${id}`)).json();
    expect(failed).toMatchObject({ state: 'error', lastError: { code: 'TOKEN_INVALID' } });
    expect(failed.worker).not.toHaveProperty('gatewayState');

    const put = await call('PUT', `/api/accounts/${id}`, { token: newBot().token });
    expect(put.statusCode).toBe(200);
    await waitForWorker(t.app, id, (w) => w.state === 'ready');
    const fixed = (await call('GET', `/api/accounts/${id}`)).json();
    expect(fixed).toMatchObject({ state: 'ready', lastError: null, worker: { state: 'ready', gatewayState: 'ready' } });
    await call('POST', `/api/accounts/${id}/stop`);
    const stopped = (await call('GET', `/api/accounts/${id}`)).json();
    expect(stopped).toMatchObject({ state: 'stopped', lastError: null });
    expect(stopped.worker).not.toHaveProperty('gatewayState');
  });

  it('will not start an account whose token Discord refused until the token changes', async () => {
    const { id } = await createAccount(t.app, user.authorization);
    await call('POST', `/api/accounts/${id}/start`);
    const failed = await waitForWorker(t.app, id, (w) => w.state === 'error');

    for (const url of [`/api/accounts/${id}/start`, `/api/accounts/${id}/restart`]) {
      const res = await call('POST', url);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'TOKEN_REJECTED' });
    }
    const bulk = await call('POST', '/api/accounts/start', { ids: [id] });
    expect(bulk.json().results).toEqual([expect.objectContaining({ id, ok: false, error: expect.objectContaining({ code: 'TOKEN_REJECTED' }) })]);
    // A friend change re-applies the account: it ends in error again without a new process.
    await call('POST', `/api/accounts/${id}/friends`, { discordUserId: '323456789012345678' });
    const after = await waitForWorker(t.app, id, (w) => w.state === 'error');
    expect(after).toMatchObject({ startedAt: failed.startedAt, lastError: { code: 'TOKEN_INVALID' } });

    await call('PUT', `/api/accounts/${id}`, { token: newBot().token });
    await waitForWorker(t.app, id, (w) => w.state === 'ready');
    await call('POST', `/api/accounts/${id}/stop`);
    expect((await call('POST', `/api/accounts/${id}/restart`)).statusCode).toBe(200);
    await waitForWorker(t.app, id, (w) => w.state === 'ready');
    await call('POST', `/api/accounts/${id}/stop`);
  });
});
