import type { FakeDiscord, PrivilegedIntentName } from '../../../fake-discord/index.js';
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
