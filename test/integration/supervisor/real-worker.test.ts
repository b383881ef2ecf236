import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../../fake-discord/index.js';
import { SUPERVISOR_DEFAULTS } from '../../../src/supervisor/constants.js';
import { fixtureSupervisor, nextEvent, stateOf } from './helpers.js';

// The bundled worker (dist/worker.cjs, built by the integration global setup) against the fake
// Discord: the supervisor's contract with the real child, not a fixture.
describe('Supervisor with the real worker and the fake Discord', () => {
  let fake: FakeDiscord;
  let bot: { id: string; token: string; username: string };
  let friend: { id: string };

  beforeAll(async () => {
    fake = await FakeDiscord.start({ heartbeatIntervalMs: 1_000 });
    bot = fake.createBot({ username: 'supervised' });
    friend = fake.createUser({ username: 'friend' });
    fake.createGuild({ botIds: [bot.id], userIds: [friend.id] });
  });
  afterAll(async () => {
    await fake.close();
  });

  function realSupervisor(token = bot.token) {
    return fixtureSupervisor(
      {},
      {
        workerPath: SUPERVISOR_DEFAULTS.workerPath,
        execArgv: [...SUPERVISOR_DEFAULTS.execArgv],
        discordApiUrl: fake.apiUrl,
        startTimeoutMs: 30_000,
        readyTimeoutMs: 60_000,
        resolveInit: async () => ({ token, friends: [friend.id] }),
      },
    );
  }

  it('brings a real worker to ready with the bot identity Discord reported', async () => {
    const { supervisor } = realSupervisor();
    await supervisor.start('acc');
    const snapshot = await stateOf(supervisor, 'acc', 'ready', 60_000);
    expect(snapshot).toMatchObject({ botUserId: bot.id, botUsername: 'supervised', guildCount: 1, gatewayState: 'ready' });
  }, 90_000);

  it("relays the real worker's log lines with the account id", async () => {
    const { supervisor, log } = realSupervisor();
    await supervisor.start('acc');
    await stateOf(supervisor, 'acc', 'ready', 60_000);
    await supervisor.stop('acc');
    const relayed = log.entries().filter((e) => e.worker === true);
    expect(relayed.length).toBeGreaterThan(0);
    expect(relayed.every((e) => e.accountId === 'acc')).toBe(true);
    expect(log.text()).not.toContain(bot.token);
  }, 90_000);

  it('brings a real worker back to ready after kill -9', async () => {
    const { supervisor } = realSupervisor();
    await supervisor.start('acc');
    const first = await stateOf(supervisor, 'acc', 'ready', 60_000);
    const readyAgain = nextEvent(supervisor, 'ready', (s) => s.accountId === 'acc', 60_000);
    process.kill(first.pid ?? -1, 'SIGKILL');
    const [second] = await readyAgain;
    expect(second.pid).not.toBe(first.pid);
    expect(second).toMatchObject({ botUserId: bot.id, restarts: 1 });
  }, 120_000);

  it('delivers a DM through a real worker', async () => {
    const { supervisor } = realSupervisor();
    await supervisor.start('acc');
    await stateOf(supervisor, 'acc', 'ready', 60_000);
    const result = await supervisor.deliver('acc', { mode: 'dm', recipientId: friend.id }, { content: 'from the supervisor' });
    const sent = fake.messages({ botId: bot.id }).find((m) => m.id === result.messageId);
    expect(sent).toMatchObject({ content: 'from the supervisor', channelId: result.channelId });
  }, 90_000);

  it('relays a friend presence change from a real worker as activity', async () => {
    const { supervisor } = realSupervisor();
    await supervisor.start('acc');
    await stateOf(supervisor, 'acc', 'ready', 60_000);
    const activity = nextEvent(supervisor, 'activity', (id, e) => id === 'acc' && e.discordUserId === friend.id);
    fake.setPresence(friend.id, { status: 'dnd' });
    const [, event] = await activity;
    expect(event.status).toBe('dnd');
  }, 90_000);

  it('puts a real worker with a rejected token in error without restarting it', async () => {
    const { supervisor, log } = realSupervisor('bm90LWEtcmVhbC10b2tlbg.AAAAAA.wrong-token-value');
    const fatal = nextEvent(supervisor, 'fatal', (id) => id === 'acc', 60_000);
    await supervisor.start('acc');
    const [, code] = await fatal;
    const snapshot = await stateOf(supervisor, 'acc', 'error', 30_000);
    expect(code).toBe('TOKEN_INVALID');
    expect(snapshot.restarts).toBe(0);
    expect(log.text()).not.toContain('wrong-token-value');
  }, 90_000);
});
