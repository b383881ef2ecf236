import { describe, expect, it } from 'vitest';
import { WORKER_EXIT_CODES } from '../../../workers/lib/exit-codes.js';
import { createScenario, startReadyScenario, useWorkerRig } from './scenario.js';
import { WorkerProcess } from './worker-process.js';

const rig = useWorkerRig();

describe('account worker lifecycle', () => {
  it('logs in after init and says ready with the bot user and its guild count', async () => {
    const { bot, worker } = rig.track(createScenario(rig.fake));
    worker.init({ token: bot.token, friends: [], discordApiUrl: rig.fake.apiUrl });

    const ready = await worker.waitFor('ready');
    expect(ready).toMatchObject({ botUserId: bot.id, botUsername: bot.username, guildCount: 1 });
    await worker.waitFor('state', (m) => m.state === 'ready');
    expect(worker.all('state').map((m) => m.state)).toEqual(['connecting', 'ready']);
  });

  it('logs NDJSON naming the account, and never the token', async () => {
    const { bot, worker } = rig.track(await startReadyScenario(rig.fake));
    await worker.waitForOutput('"msg":"ready"');

    const lines = worker.output.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((l) => l.msg === 'ready')).toMatchObject({ accountId: 'account-1', botUserId: bot.id });
    expect(worker.output).not.toContain(bot.token);
  });

  it('sends heartbeats with memory, event-loop lag and the gateway ping', async () => {
    const { worker } = rig.track(await startReadyScenario(rig.fake));
    const beat = await worker.waitFor('heartbeat', (m) => m.gatewayPingMs >= 0);
    expect(beat.rss).toBeGreaterThan(beat.heapUsed);
    expect(beat.heapUsed).toBeGreaterThan(0);
    expect(beat.eventLoopLagMs).toBeGreaterThanOrEqual(0);
  });

  it('answers a ping with a pong of the same request id', async () => {
    const { worker } = rig.track(await startReadyScenario(rig.fake));
    worker.send({ v: 1, type: 'ping', requestId: 41 });
    await expect(worker.waitFor('pong')).resolves.toMatchObject({ requestId: 41 });
  });

  it('logs and drops malformed IPC messages, and keeps working', async () => {
    const { worker } = rig.track(await startReadyScenario(rig.fake));
    worker.send('garbage');
    worker.send({ v: 1, type: 'no-such-command' });
    worker.send({ v: 1, type: 'deliver', requestId: 'not a number' });
    worker.send({ v: 1, type: 'ping', requestId: 7 });

    await worker.waitFor('pong', (m) => m.requestId === 7);
    expect(worker.output.match(/dropped a malformed or unknown IPC message/g)).toHaveLength(3);
    expect(worker.child.exitCode).toBeNull();
  });

  it('writes the messages of one turn as one batch, and handles each entry of a batch it reads', async () => {
    const { worker } = rig.track(await startReadyScenario(rig.fake));
    // `ready` and the `ready` state (with what the READY dispatch brought) are sent in one turn.
    expect(worker.batches.find((types) => types.includes('ready'))).toEqual(expect.arrayContaining(['ready', 'state']));
    worker.send({
      v: 1,
      type: 'batch',
      messages: [{ v: 1, type: 'ping', requestId: 51 }, { v: 1, type: 'deliver', requestId: 'bad' }, { v: 1, type: 'ping', requestId: 52 }],
    });
    await worker.waitFor('pong', (m) => m.requestId === 52);
    expect(worker.all('pong').map((m) => m.requestId)).toEqual([51, 52]);
    expect(worker.batches.at(-1)).toEqual(['pong', 'pong']);
    expect(worker.output.match(/dropped a malformed or unknown IPC message/g)).toHaveLength(1);
  });

  it('exits 0 promptly when asked to shut down', async () => {
    const { worker } = rig.track(await startReadyScenario(rig.fake));
    worker.send({ v: 1, type: 'shutdown', reason: 'test' });

    await expect(worker.waitForExit(10_000)).resolves.toEqual({ code: WORKER_EXIT_CODES.ok, signal: null });
    expect(worker.all('state').at(-1)).toMatchObject({ state: 'disconnected' });
  });

  it('exits by itself when the parent closes the IPC channel', async () => {
    const { worker } = rig.track(await startReadyScenario(rig.fake));
    worker.child.disconnect();
    await expect(worker.waitForExit(3_000)).resolves.toMatchObject({ code: WORKER_EXIT_CODES.ok });
  });

  it('gives up with INIT_TIMEOUT when no init arrives', async () => {
    const worker = rig.track(new WorkerProcess());
    const fatal = await worker.waitFor('fatal', undefined, 25_000);
    expect(fatal.code).toBe('INIT_TIMEOUT');
    await expect(worker.waitForExit()).resolves.toMatchObject({ code: WORKER_EXIT_CODES.fatal });
  }, 40_000);

  it('refuses an init of another protocol version', async () => {
    const worker = rig.track(new WorkerProcess());
    worker.send({ v: 99, type: 'init', accountId: 'a', token: 'SECRET-not-logged', intents: 0, friends: [], settings: {} });
    await expect(worker.waitFor('fatal')).resolves.toMatchObject({ code: 'PROTOCOL_MISMATCH' });
    await expect(worker.waitForExit()).resolves.toMatchObject({ code: WORKER_EXIT_CODES.fatal });
    expect(worker.output).not.toContain('SECRET-not-logged');
  });
});
