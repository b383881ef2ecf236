import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../../fake-discord/index.js';
import { SUPERVISOR_DEFAULTS } from '../../../src/supervisor/constants.js';
import { fixtureSupervisor, nextEvent, stateOf } from '../supervisor/helpers.js';

// Fencing, layer 2: a worker whose server stops renewing its lease (paused, hung, cut off from the
// database) closes its Discord connection by itself, before another node may connect the bot.
describe('lease keepalive of a real worker', () => {
  let fake: FakeDiscord;
  let bot: { id: string; token: string };

  beforeAll(async () => {
    fake = await FakeDiscord.start({ heartbeatIntervalMs: 1_000 });
    bot = fake.createBot({ username: 'leased' });
    fake.createGuild({ botIds: [bot.id], userIds: [] });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('stays connected while renewals arrive, and disconnects by itself once they stop', async () => {
    const { supervisor, log } = fixtureSupervisor(
      {},
      {
        workerPath: SUPERVISOR_DEFAULTS.workerPath,
        execArgv: [...SUPERVISOR_DEFAULTS.execArgv],
        discordApiUrl: fake.apiUrl,
        startTimeoutMs: 30_000,
        readyTimeoutMs: 60_000,
        resolveInit: async () => ({ token: bot.token, friends: [], settings: { leaseValidForMs: 2_000 } }),
      },
    );
    await supervisor.start('acc');
    await stateOf(supervisor, 'acc', 'ready', 60_000);

    // Renewals, each extending the lease by 2 s, for longer than the first lease lasted.
    let renewing: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      let renewals = 0;
      renewing = setInterval(() => {
        supervisor.renewLeases(new Map([['acc', 2_000]]));
        if (++renewals === 12) resolve();
      }, 250);
    });
    expect(supervisor.get('acc')?.state).toBe('ready');
    expect(fake.stats().connections).toBe(1);

    clearInterval(renewing);
    const [, code] = await nextEvent(supervisor, 'exit', (id) => id === 'acc', 30_000);
    expect(code).toBe(0);
    expect(log.text()).toContain('lease keepalive expired');
    expect(fake.stats().maxSessionsPerBot).toBe(1);
    await supervisor.stop('acc');
  }, 120_000);
});
