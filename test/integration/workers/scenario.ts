import { afterAll, afterEach, beforeAll } from 'vitest';
import { FakeDiscord, type PrivilegedIntentName } from '../../../fake-discord/index.js';
import { WorkerProcess } from './worker-process.js';

/** One bot sharing a guild with a friend and a stranger, and its worker, forked and not yet initialised. */
export interface Scenario {
  bot: { id: string; token: string; username: string };
  friend: { id: string };
  stranger: { id: string };
  guild: { id: string; channelId: string };
  worker: WorkerProcess;
}

let counter = 0;

export function createScenario(fake: FakeDiscord, opts: { grantedIntents?: PrivilegedIntentName[] } = {}): Scenario {
  counter += 1;
  const bot = fake.createBot({ username: `bot-${counter}`, ...opts });
  const friend = fake.createUser({ username: `friend-${counter}` });
  const stranger = fake.createUser({ username: `stranger-${counter}` });
  const guild = fake.createGuild({ botIds: [bot.id], userIds: [friend.id, stranger.id] });
  return { bot, friend, stranger, guild, worker: new WorkerProcess() };
}

/** Forks, initialises with the friend watched, and waits for `ready`. */
export async function startReadyScenario(fake: FakeDiscord): Promise<Scenario> {
  const scenario = createScenario(fake);
  scenario.worker.init({ token: scenario.bot.token, friends: [scenario.friend.id], discordApiUrl: fake.apiUrl });
  await scenario.worker.waitFor('ready');
  return scenario;
}

/**
 * The per-file rig every worker test uses: one fake Discord for the file, and every worker a test
 * forked killed after it. Call at the top level of a test file.
 */
export function useWorkerRig() {
  let fake: FakeDiscord | undefined;
  const started: WorkerProcess[] = [];
  beforeAll(async () => {
    fake = await FakeDiscord.start({ heartbeatIntervalMs: 1_000 });
  });
  afterEach(() => {
    for (const worker of started.splice(0)) worker.kill();
  });
  afterAll(async () => {
    await fake?.close();
  });
  const rig = {
    get fake(): FakeDiscord {
      if (!fake) throw new Error('the rig starts in beforeAll');
      return fake;
    },
    /** Kills the worker after the test. */
    track<T extends WorkerProcess | Scenario>(tracked: T): T {
      started.push(tracked instanceof WorkerProcess ? tracked : tracked.worker);
      return tracked;
    },
    /** A scenario whose worker is ready and watches the friend; killed after the test. */
    async ready(): Promise<Scenario> {
      return rig.track(await startReadyScenario(rig.fake));
    },
  };
  return rig;
}
