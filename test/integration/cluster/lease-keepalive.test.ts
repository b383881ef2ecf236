import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscordClient } from '../../../fake-discord/http-client.js';
import { type FakeDiscordProcess, startFakeDiscord } from '../../../scripts/loadtest/processes.js';
import { SUPERVISOR_DEFAULTS } from '../../../src/supervisor/constants.js';
import { fixtureSupervisor, nextEvent, stateOf } from '../supervisor/helpers.js';

// Fencing, layer 2: a worker whose server stops renewing its lease (paused, hung, cut off from the
// database) closes its Discord connection by itself, before another node may connect the bot. That
// ends its session at Discord, so it tells its server first: the next worker identifies.

/** Whether the process is gone or a zombie (exited, not yet reaped by its parent). */
function hasExited(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}

/**
 * Holds this process's event loop — the supervisor's — until the worker `pid` has exited: a
 * server stuck (not merely quiet) while its worker fences; it reads what the worker said only
 * afterwards. Bounded by `limitMs`, so a worker that never fences fails the test instead of hanging it.
 */
function stallUntilExited(pid: number, limitMs = 30_000): void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const until = Date.now() + limitMs;
  while (!hasExited(pid) && Date.now() < until) Atomics.wait(cell, 0, 0, 10);
}

describe('lease keepalive of a real worker', () => {
  // The fake Discord runs in a process of its own: it must see the worker close its session
  // while this process (the supervisor's) is stuck.
  let logDir: string;
  let fakeProcess: FakeDiscordProcess;
  let fake: FakeDiscordClient;
  let bot: { id: string; token: string };
  let friend: { id: string };

  beforeAll(async () => {
    logDir = await mkdtemp(join(tmpdir(), 'lease-keepalive-'));
    fakeProcess = await startFakeDiscord({ logDir, heartbeatMs: 1_000 });
    fake = new FakeDiscordClient(fakeProcess.url);
    bot = await fake.createBot({ username: 'leased' });
    friend = await fake.createUser({ username: 'leased-friend' });
    await fake.createGuild({ botIds: [bot.id], userIds: [friend.id] });
    await fake.setPresence(friend.id, { status: 'online' });
  }, 60_000);
  afterAll(async () => {
    await fakeProcess?.stop();
    await rm(logDir, { recursive: true, force: true });
  });

  it('stays connected while renewals arrive, disconnects by itself once they stop and says so; the next worker identifies', async () => {
    let inits = 0;
    /** The friend's change made while no worker runs; the next worker starts once it is made. */
    let offline: Promise<unknown> = Promise.resolve();
    const { supervisor, log } = fixtureSupervisor(
      {},
      {
        workerPath: SUPERVISOR_DEFAULTS.workerPath,
        execArgv: [...SUPERVISOR_DEFAULTS.execArgv],
        discordApiUrl: fake.apiUrl,
        startTimeoutMs: 30_000,
        readyTimeoutMs: 60_000,
        // The worker restarted after the fence gets a long lease: it must not fence before its `ready`.
        resolveInit: async () => {
          const first = inits++ === 0;
          if (!first) await offline;
          return { token: bot.token, friends: [friend.id], settings: { leaseValidForMs: first ? 2_000 : 60_000 } };
        },
      },
    );
    const resumes: string[] = [];
    supervisor.on('resume', (_id, outcome) => resumes.push(outcome));
    await supervisor.start('acc');
    await stateOf(supervisor, 'acc', 'ready', 60_000);
    const before = await fake.stats();

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
    expect((await fake.stats()).connections).toBe(1);

    // The supervisor stops answering: the worker fences, naming the session it ends, and exits
    // while the supervisor is stuck; the supervisor reads it when it wakes up. The friend goes
    // offline then, before the next worker connects.
    supervisor.once('fenced', () => {
      offline = fake.setPresence(friend.id, { status: 'offline' });
    });
    const fenced = nextEvent(supervisor, 'fenced', (id) => id === 'acc', 30_000);
    const exited = nextEvent(supervisor, 'exit', (id) => id === 'acc', 30_000);
    const wentOffline = nextEvent(supervisor, 'activity', (id, event) => id === 'acc' && event.kind === 'offline', 60_000);
    clearInterval(renewing);
    const pid = supervisor.get('acc')!.pid!;
    stallUntilExited(pid);
    expect(hasExited(pid)).toBe(true);
    const [, sessionId] = await fenced;
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
    expect(await fake.stats()).toMatchObject({
      identifies: before.identifies + 1,
      resumes: before.resumes,
      resumesRefused: before.resumesRefused,
      maxSessionsPerBot: 1,
    });
    expect(resumes).toEqual([]);
    await supervisor.stop('acc');
  }, 120_000);
});
