import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WORKER_EXIT_CODES } from '../../../workers/lib/exit-codes.js';
import { createScenario, startReadyScenario, useWorkerRig } from './scenario.js';
import { WorkerProcess } from './worker-process.js';

const rig = useWorkerRig();

/** A REST endpoint whose /gateway/bot points at a port nobody listens on. */
async function startUnreachableGateway(): Promise<{ apiUrl: string; server: Server }> {
  const server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({
        url: 'ws://127.0.0.1:9',
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
      }),
    );
    request.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, server };
}

describe('account worker fatal errors', () => {
  it('reports a rejected token as TOKEN_INVALID and exits, without ever printing the token', async () => {
    const worker = rig.track(new WorkerProcess());
    const token = 'MTIz.not-a-real-token.but-secret-all-the-same';
    worker.init({ token, friends: [], discordApiUrl: rig.fake.apiUrl });

    await expect(worker.waitFor('fatal')).resolves.toMatchObject({ code: 'TOKEN_INVALID' });
    await expect(worker.waitForExit()).resolves.toEqual({ code: WORKER_EXIT_CODES.fatal, signal: null });
    expect(worker.all('rest:invalid')).toMatchObject([{ status: 401, route: '/gateway/bot' }]);
    expect(worker.output).toContain('"code":"TOKEN_INVALID"');
    expect(worker.output).not.toContain(token);
    expect(JSON.stringify(worker.messages)).not.toContain(token);
  });

  it('reports intents the bot was not granted as INTENTS_DISALLOWED and exits', async () => {
    const { bot, worker } = createScenario(rig.fake, { grantedIntents: ['GuildMembers'] });
    rig.track(worker);
    worker.init({ token: bot.token, friends: [], discordApiUrl: rig.fake.apiUrl });

    await expect(worker.waitFor('fatal')).resolves.toMatchObject({ code: 'INTENTS_DISALLOWED' });
    await expect(worker.waitForExit()).resolves.toMatchObject({ code: WORKER_EXIT_CODES.fatal });
    expect(worker.output).not.toContain(bot.token);
  });

  it('reports a fatal close code after READY, which discord.js alone would sit out', async () => {
    const { bot, worker } = await startReadyScenario(rig.fake);
    rig.track(worker);
    rig.fake.disconnectBot(bot.id, 4004);

    await expect(worker.waitFor('fatal')).resolves.toMatchObject({ code: 'TOKEN_INVALID' });
    expect(worker.all('state').at(-1)).toMatchObject({ state: 'disconnected', detail: '4004' });
    await expect(worker.waitForExit()).resolves.toMatchObject({ code: WORKER_EXIT_CODES.fatal });
  });

  it('gives up with LOGIN_TIMEOUT when the gateway cannot be reached', async () => {
    const { apiUrl, server } = await startUnreachableGateway();
    try {
      const worker = rig.track(new WorkerProcess());
      worker.init({
        token: 'any',
        friends: [],
        discordApiUrl: apiUrl,
        settings: { heartbeatIntervalMs: 500, loginTimeoutMs: 1_500, deliveryTimeoutMs: 1_000 },
      });

      await expect(worker.waitFor('fatal')).resolves.toMatchObject({ code: 'LOGIN_TIMEOUT' });
      await expect(worker.waitForExit()).resolves.toMatchObject({ code: WORKER_EXIT_CODES.fatal });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
