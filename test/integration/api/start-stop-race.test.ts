import { beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin } from '../../support/build-app.js';
import { useFakeDiscordApp } from '../../support/fake-discord-app.js';
import { createAccount } from './helpers.js';

const t = useFakeDiscordApp();
let user: Awaited<ReturnType<typeof registerAndLogin>>;

beforeAll(async () => {
  user = await registerAndLogin(t.app);
});

const call = (action: 'start' | 'stop', id: string) =>
  t.app.inject({ method: 'POST', url: `/api/accounts/${id}/${action}`, headers: { authorization: user.authorization } });

/** Workers that run or are on their way to running. */
const RUNNING = ['starting', 'connecting', 'ready'];

describe('concurrent start and stop of one account (issue 12, item 11)', () => {
  it('ends with the worker in the state the last write asked for, every time', async () => {
    const bot = t.fake.createBot({});
    t.fake.createGuild({ botIds: [bot.id], userIds: [] });
    const { id } = await createAccount(t.app, user.authorization, { token: bot.token });
    const mismatches: string[] = [];
    for (let round = 0; round < 8; round++) {
      // Both orders of arrival, and a start that wins over a running worker's stop.
      const requests = round % 2 === 0 ? [call('start', id), call('stop', id)] : [call('stop', id), call('start', id)];
      const answers = await Promise.all(requests);
      for (const a of answers) expect([200, 409]).toContain(a.statusCode);
      const desired = (await t.app.db.models.DiscordAccount.findById(id, { desiredState: 1 }).lean())?.desiredState;
      const state = t.app.supervisor.get(id)?.state ?? 'stopped';
      const agrees = desired === 'running' ? RUNNING.includes(state) : state === 'stopped';
      if (!agrees) mismatches.push(`round ${round}: desired ${desired}, worker ${state}`);
    }
    expect(mismatches).toEqual([]);
    await call('stop', id);
  }, 90_000);
});
