import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPersistedSession, persistSessions, takePersistedSession } from '../../../src/services/gateway-sessions.js';
import type { SessionHandover } from '../../../src/supervisor/session-keeper.js';
import { TokenCipher } from '../../../src/utils/token-cipher.js';
import { startTestModels, type TestModels } from '../../support/test-models.js';

let store: TestModels;
beforeAll(async () => {
  store = await startTestModels();
});
afterAll(async () => store.stop());

const cipher = new TokenCipher(randomBytes(32).toString('base64'));
const handover = (sessionId: string): SessionHandover => ({
  session: { sessionId, resumeUrl: 'wss://resume.example', seq: 4, botUserId: '100000000000000001', botUsername: 'bot', guildCount: 1 },
  baseline: {},
  seenAt: Date.now(),
});

async function account(): Promise<string> {
  const doc = await store.models.DiscordAccount.create({
    ownerId: new Types.ObjectId(),
    label: 'sessions',
    token: cipher.encrypt('token'),
    tokenHint: 'oken',
  });
  return doc._id.toHexString();
}

const stored = async (id: string) => (await store.models.DiscordAccount.findById(id))?.gatewaySession ?? undefined;

describe('a persisted gateway session its worker ended (fencing)', () => {
  it('is removed when it is the one named, and kept when it is another', async () => {
    const { DiscordAccount } = store.models;
    const id = await account();
    await persistSessions(DiscordAccount, cipher, [[id, handover('session-live')]]);

    expect(await dropPersistedSession(DiscordAccount, cipher, id, 'session-ended')).toBe(false);
    expect(await takePersistedSession(DiscordAccount, cipher, id, await stored(id))).toMatchObject({ session: { sessionId: 'session-live' } });

    await persistSessions(DiscordAccount, cipher, [[id, handover('session-ended')]]);
    expect(await dropPersistedSession(DiscordAccount, cipher, id, 'session-ended')).toBe(true);
    expect(await stored(id)).toBeUndefined();
    expect(await dropPersistedSession(DiscordAccount, cipher, id, 'session-ended')).toBe(false);
  });
});
