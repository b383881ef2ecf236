import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../../fake-discord/index.js';
import type { App } from '../../../src/app.js';
import type { ResumeOutcome } from '../../../src/ipc/index.js';
import { persistSessions } from '../../../src/services/gateway-sessions.js';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';
import { startTestMongo, type TestMongo, withDatabase } from '../../support/test-mongo.js';

let fake: FakeDiscord;
let mongo: TestMongo;
beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 1_000 });
  mongo = await startTestMongo();
});
afterAll(async () => {
  await mongo.stop();
  await fake.close();
});

/** Resolves once the account's worker is ready (at once if it is). */
function untilReady(app: App, accountId: string): Promise<void> {
  return new Promise((resolve) => {
    if (app.supervisor.get(accountId)?.state === 'ready') return resolve();
    const on = (s: { accountId: string; state: string }) => {
      if (s.accountId !== accountId || s.state !== 'ready') return;
      app.supervisor.off('state', on);
      resolve();
    };
    app.supervisor.on('state', on);
  });
}

/** Resolves with the next stored activity batch holding an event of `kind`. */
function untilStored(app: App, kind: string): Promise<void> {
  return new Promise((resolve) => {
    const on = (batch: Array<{ event: { kind: string } }>) => {
      if (!batch.some((b) => b.event.kind === kind)) return;
      app.activity.off('stored', on);
      resolve();
    };
    app.activity.on('stored', on);
  });
}

describe('a server restart within the session’s lifetime', () => {
  it('resumes each worker’s gateway session from the encrypted copy the stopping server left', async () => {
    const env = { MONGODB_URI: mongo.uri, DISCORD_API_URL: fake.apiUrl };
    const bot = fake.createBot();
    const friend = fake.createUser({ username: 'restart-friend' });
    fake.createGuild({ botIds: [bot.id], userIds: [friend.id] });

    const first = await buildTestApp({ env });
    const { userId } = await registerAndLogin(first.app);
    const account = await first.app.accounts.create(userId, { label: 'resumes', token: bot.token });
    await first.app.friends.create(userId, account.id, { discordUserId: friend.id });
    await first.app.accounts.start(userId, account.id);
    await untilReady(first.app, account.id);
    const online = untilStored(first.app, 'online');
    fake.setPresence(friend.id, { status: 'online' });
    await online;
    await first.close();

    // Between the two servers the session is in the database, encrypted like the token.
    const doc = await rawAccount(mongo.uri, account.id);
    expect(doc?.gatewaySession).toMatchObject({ ciphertext: expect.anything(), iv: expect.anything(), keyId: expect.any(String) });
    expect(JSON.stringify(doc)).not.toContain('resumeUrl');
    fake.setPresence(friend.id, { status: 'online', activities: [{ name: 'While restarting', type: 0 }] });
    const before = fake.stats();

    const { outcomes, app: second } = await appRecordingResumes(env);
    try {
      const started = untilStored(second.app, 'activity:start');
      await untilReady(second.app, account.id);
      await started;
      expect(outcomes).toEqual(['resumed']);
      expect(fake.stats()).toMatchObject({ identifies: before.identifies, resumes: before.resumes + 1 });
      const rows = await second.app.db.models.ActivityHistory.find({ discordUserId: friend.id }).sort({ at: 1 }).lean();
      expect(rows.map((r) => r.kind)).toEqual(['online', 'activity:start']);
      // Read once: the copy is gone, and it never was in plain text.
      const doc = await second.app.db.models.DiscordAccount.findById(account.id).lean();
      expect(doc?.gatewaySession).toBeUndefined();
      expect(second.logs.join('\n')).not.toMatch(/"sessionId":"[0-9a-f]/);
    } finally {
      await second.close();
    }
  }, 120_000);
});

/** Leases long enough that no keepalive reaches a worker during the test: only the test's own. */
const NO_KEEPALIVE = { LEASE_MS: '600000', LEASE_RENEW_MS: '250000', LEASE_RENEW_DEADLINE_MS: '300000' };

describe('a worker that fenced itself', () => {
  it('leaves no session to resume: a copy persisted before the server heard of it is removed, and the next server identifies', async () => {
    // A database of its own: the other test's account would start here too, and resume.
    const uri = withDatabase(mongo.uri, 'fenced');
    const env = { MONGODB_URI: uri, DISCORD_API_URL: fake.apiUrl, ...NO_KEEPALIVE };
    const bot = fake.createBot();
    fake.createGuild({ botIds: [bot.id], userIds: [] });

    // No restart after the fence: the copy must go because the server heard of the fence, not
    // because a restarted worker read it.
    const first = await buildTestApp({ env, supervisor: { restart: { maxCrashesInWindow: 0 } } });
    const { userId } = await registerAndLogin(first.app);
    const account = await first.app.accounts.create(userId, { label: 'fences', token: bot.token });
    await first.app.accounts.start(userId, account.id);
    await untilReady(first.app, account.id);
    // A hand-over wrote the session down before the server read the worker's message (it was slow).
    const handover = first.app.supervisor.sessionHandover(account.id);
    expect(handover).toBeDefined();
    await persistSessions(first.app.db.models.DiscordAccount, first.app.tokenCipher, [[account.id, handover!]]);
    const fenced = new Promise<string | undefined>((resolve) => first.app.supervisor.once('fenced', (_id, sessionId) => resolve(sessionId)));
    // The lease runs out now: the worker fences.
    first.app.supervisor.renewLeases(new Map([[account.id, 0]]));
    expect(await fenced).toBe(handover!.session.sessionId);
    // Closing waits for the removal; it persists no session for the account either.
    await first.close();

    const doc = await rawAccount(uri, account.id);
    expect(doc).not.toBeNull();
    expect(doc?.gatewaySession).toBeUndefined();
    const before = fake.stats();

    const { outcomes, app: second } = await appRecordingResumes(env);
    try {
      await untilReady(second.app, account.id);
      expect(outcomes).toEqual([]);
      expect(fake.stats()).toMatchObject({
        identifies: before.identifies + 1,
        resumes: before.resumes,
        resumesRefused: before.resumesRefused,
        maxSessionsPerBot: 1,
      });
    } finally {
      await second.close();
    }
  }, 120_000);
});

/** The account's document as stored, read past the models. */
async function rawAccount(uri: string, id: string) {
  const client = await MongoClient.connect(uri);
  try {
    return await client.db().collection('discordaccounts').findOne({ _id: new ObjectId(id) });
  } finally {
    await client.close();
  }
}

/** A server whose supervisor's resume outcomes are recorded from its first worker on. */
async function appRecordingResumes(env: Record<string, string>): Promise<{ outcomes: ResumeOutcome[]; app: TestApp }> {
  const outcomes: ResumeOutcome[] = [];
  const app = await buildTestApp({
    env,
    beforeReady: (built) => {
      built.supervisor.on('resume', (_id: string, outcome: ResumeOutcome) => outcomes.push(outcome));
    },
  });
  return { outcomes, app };
}

