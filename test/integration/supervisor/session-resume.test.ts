import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../../fake-discord/index.js';
import { SUPERVISOR_DEFAULTS } from '../../../src/supervisor/constants.js';
import type { ActivityEvent } from '../../../src/ipc/index.js';
import type { Supervisor } from '../../../src/supervisor/supervisor.js';
import { fixtureSupervisor, nextEvent, stateOf } from './helpers.js';

const playing = (name: string) => ({ name, type: 0 });
const summary = (e: ActivityEvent) => `${e.kind}${e.activity ? ` ${e.activity.name}` : ''}`;

/** Every activity event the supervisor emits for `accountId`, in order. */
function collectActivity(supervisor: Supervisor, accountId: string): ActivityEvent[] {
  const events: ActivityEvent[] = [];
  supervisor.on('activity', (id, event) => {
    if (id === accountId) events.push(event);
  });
  return events;
}

// The bundled worker against the fake Discord: a SIGKILLed worker's replacement resumes its session.
describe('Supervisor: a replacement worker resumes the gateway session', () => {
  let fake: FakeDiscord;
  /** Forgets a dropped session at once, so every resume of a killed worker's session is refused. */
  let forgetful: FakeDiscord;

  beforeAll(async () => {
    [fake, forgetful] = await Promise.all([
      FakeDiscord.start({ heartbeatIntervalMs: 1_000 }),
      FakeDiscord.start({ heartbeatIntervalMs: 1_000, resumeWindowMs: 1 }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([fake.close(), forgetful.close()]);
  });

  function realSupervisor(discord: FakeDiscord) {
    const bot = discord.createBot({ username: 'resumer' });
    const friend = discord.createUser({ username: 'friend' });
    discord.createGuild({ botIds: [bot.id], userIds: [friend.id] });
    const { supervisor, log } = fixtureSupervisor(
      {},
      {
        workerPath: SUPERVISOR_DEFAULTS.workerPath,
        execArgv: [...SUPERVISOR_DEFAULTS.execArgv],
        discordApiUrl: discord.apiUrl,
        startTimeoutMs: 30_000,
        readyTimeoutMs: 60_000,
        resolveInit: async () => ({ token: bot.token, friends: [friend.id] }),
      },
    );
    return { supervisor, log, bot, friend };
  }

  it('replays every change made while no worker ran, exactly once, after kill -9', async () => {
    const { supervisor, log, friend } = realSupervisor(fake);
    const events = collectActivity(supervisor, 'acc');
    await supervisor.start('acc');
    const first = await stateOf(supervisor, 'acc', 'ready', 60_000);
    const started = nextEvent(supervisor, 'activity', (_id, e) => e.kind === 'activity:start');
    fake.setPresence(friend.id, { status: 'online', activities: [playing('Factorio')] });
    await started;
    const before = fake.stats();

    const resumed = nextEvent(supervisor, 'resume', (id) => id === 'acc', 60_000);
    const exited = nextEvent(supervisor, 'exit', (id) => id === 'acc');
    process.kill(first.pid ?? -1, 'SIGKILL');
    await exited;
    fake.setPresence(friend.id, { status: 'online', activities: [playing('Celeste')] });
    fake.setPresence(friend.id, { status: 'dnd', activities: [playing('Celeste')] });
    fake.setPresence(friend.id, { status: 'dnd', activities: [] });
    expect((await resumed)[1]).toBe('resumed');

    // Sent after the replay: once it arrives, a duplicate of a replayed change would have too.
    const marker = nextEvent(supervisor, 'activity', (_id, e) => e.kind === 'offline', 60_000);
    fake.setPresence(friend.id, { status: 'offline' });
    await marker;
    expect(events.map(summary)).toEqual([
      'online',
      'activity:start Factorio',
      'activity:end Factorio',
      'activity:start Celeste',
      'status',
      'activity:end Celeste',
      'offline',
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(fake.stats()).toMatchObject({ identifies: before.identifies, resumes: before.resumes + 1 });
    expect(supervisor.get('acc')).toMatchObject({ state: 'ready', restarts: 1 });
    const session = supervisor.sessionHandover('acc')?.session;
    expect(session?.sessionId).toBeDefined();
    expect(log.text()).not.toContain(session?.sessionId);
  }, 120_000);

  it('identifies when Discord refused the session, and logs the gap', async () => {
    const { supervisor, log, friend } = realSupervisor(forgetful);
    const events = collectActivity(supervisor, 'acc');
    await supervisor.start('acc');
    const first = await stateOf(supervisor, 'acc', 'ready', 60_000);
    const before = forgetful.stats();

    const outcome = nextEvent(supervisor, 'resume', (id) => id === 'acc', 60_000);
    const changed = nextEvent(supervisor, 'activity', (_id, e) => e.kind === 'activity:start', 60_000);
    const exited = nextEvent(supervisor, 'exit', (id) => id === 'acc');
    process.kill(first.pid ?? -1, 'SIGKILL');
    await exited;
    forgetful.setPresence(friend.id, { status: 'online', activities: [playing('Factorio')] });

    expect((await outcome)[1]).toBe('refused');
    await changed;
    // The change is still seen: the new READY's presences are compared with what the server knew.
    expect(events.map(summary)).toEqual(['online', 'activity:start Factorio']);
    expect(forgetful.stats()).toMatchObject({ identifies: before.identifies + 1, resumes: before.resumes });
    expect(log.text()).toContain('presence changes made while no worker ran were not observed');
  }, 120_000);
});
