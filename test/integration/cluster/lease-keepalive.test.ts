import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../../fake-discord/index.js';
import { SUPERVISOR_DEFAULTS } from '../../../src/supervisor/constants.js';
import { fixtureSupervisor, nextEvent, stateOf } from '../supervisor/helpers.js';

// Fencing, layer 2: a worker whose server stops renewing its lease (paused, hung, cut off from the
// database) closes its Discord connection by itself, before another node may connect the bot. That
// ends its session at Discord, so it tells its server first: the next worker identifies.
describe('lease keepalive of a real worker', () => {
  let fake: FakeDiscord;
  let bot: { id: string; token: string };
  let friend: { id: string };

  beforeAll(async () => {
    fake = await FakeDiscord.start({ heartbeatIntervalMs: 1_000 });
    bot = fake.createBot({ username: 'leased' });
    friend = fake.createUser({ username: 'leased-friend' });
    fake.createGuild({ botIds: [bot.id], userIds: [friend.id] });
    fake.setPresence(friend.id, { status: 'online' });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('stays connected while renewals arrive, disconnects by itself once they stop and says so; the next worker identifies', async () => {
    let inits = 0;
    const { supervisor, log } = fixtureSupervisor(
      {},
      {
        workerPath: SUPERVISOR_DEFAULTS.workerPath,
        execArgv: [...SUPERVISOR_DEFAULTS.execArgv],
        discordApiUrl: fake.apiUrl,
        startTimeoutMs: 30_000,
        readyTimeoutMs: 60_000,
        // The worker restarted after the fence gets a long lease: it must not fence before its `ready`.
        resolveInit: async () => ({ token: bot.token, friends: [friend.id], settings: { leaseValidForMs: inits++ === 0 ? 2_000 : 60_000 } }),
      },
    );
    const resumes: string[] = [];
    supervisor.on('resume', (_id, outcome) => resumes.push(outcome));
    await supervisor.start('acc');
    await stateOf(supervisor, 'acc', 'ready', 60_000);
    const before = fake.stats();

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

    // The supervisor falls silent: the worker fences, naming the session it ends. The friend goes
    // offline before the next worker connects (it is forked only after this one has exited).
    const fenced = nextEvent(supervisor, 'fenced', (id) => id === 'acc', 30_000);
    const exited = nextEvent(supervisor, 'exit', (id) => id === 'acc', 30_000);
    const wentOffline = nextEvent(supervisor, 'activity', (id, event) => id === 'acc' && event.kind === 'offline', 60_000);
    clearInterval(renewing);
    const [, sessionId] = await fenced;
    fake.setPresence(friend.id, { status: 'offline' });
    expect(sessionId).toMatch(/^[0-9a-f]{32}$/);
    const [, code] = await exited;
    expect(code).toBe(0);
    expect(log.text()).toContain('lease keepalive expired');
    expect(log.text()).not.toContain(sessionId);

    // Restarted after that exit, the next worker identifies at once: no RESUME that Discord would
    // refuse, no `resume` outcome. What the server knew of the friend still counts: the change
    // made while no worker ran is reported.
    await nextEvent(supervisor, 'ready', (s) => s.accountId === 'acc', 60_000);
    await wentOffline;
    expect(fake.stats()).toMatchObject({
      identifies: before.identifies + 1,
      resumes: before.resumes,
      resumesRefused: before.resumesRefused,
      maxSessionsPerBot: 1,
    });
    expect(resumes).toEqual([]);
    await supervisor.stop('acc');
  }, 120_000);
});
