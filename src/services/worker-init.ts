import type { Models } from '../models/index.js';
import type { WorkerInit } from '../supervisor/types.js';
import { toObjectId } from '../utils/cursor.js';
import type { TokenCipher } from '../utils/token-cipher.js';
import { NotFoundError } from './errors.js';
import { takePersistedSession } from './gateway-sessions.js';

/**
 * What a worker needs at spawn: the decrypted token, the friends to watch, and a gateway session
 * a previous server (or node) persisted for it to resume. The supervisor
 * calls this at every spawn; it is the only place a token is decrypted. An account still on an
 * old key is re-encrypted with the newest one on the way.
 */
export async function loadWorkerInit(
  models: Pick<Models, 'DiscordAccount' | 'Friend'>,
  cipher: TokenCipher,
  accountId: string,
): Promise<WorkerInit> {
  const _id = toObjectId(accountId);
  // Not lean: mongoose turns the stored Binary fields back into Buffers.
  const account = _id ? await models.DiscordAccount.findById(_id) : null;
  if (!account) throw new NotFoundError('Account');
  const stored = account.token;
  const token = cipher.decrypt(stored);
  if (cipher.needsRotation(stored)) {
    await models.DiscordAccount.updateOne({ _id }, { $set: { token: cipher.encrypt(token) } });
  }
  const friends = await enabledFriendIds(models, accountId);
  const session = await takePersistedSession(models.DiscordAccount, cipher, accountId, account.gatewaySession);
  return { token, friends, ...(session && { session }) };
}

/** Discord user ids of the friends the account's worker watches. */
export async function enabledFriendIds(models: Pick<Models, 'Friend'>, accountId: string): Promise<string[]> {
  const friends = await models.Friend.find({ accountId: toObjectId(accountId), enabled: true }, { discordUserId: 1 }).lean();
  return friends.map((f) => f.discordUserId);
}
