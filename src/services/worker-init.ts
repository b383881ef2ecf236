import type { Models } from '../models/index.js';
import type { WorkerInit } from '../supervisor/types.js';
import { toObjectId } from '../utils/cursor.js';
import type { TokenCipher } from '../utils/token-cipher.js';
import { InitRefusedError } from '../supervisor/errors.js';
import { NotFoundError } from './errors.js';
import { REJECTED_TOKEN_CODE } from './rejected-token.js';
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
  // Any start (the user's, a friend change, another node taking over) would spend an invalid
  // request of the budget every user shares and fail again: only a new token clears this.
  if (account.lastError?.code === REJECTED_TOKEN_CODE) {
    throw new InitRefusedError(REJECTED_TOKEN_CODE, 'Discord refused this token; set a new token to start the account');
  }
  const stored = account.token;
  const token = cipher.decrypt(stored);
  if (cipher.needsRotation(stored)) {
    await models.DiscordAccount.updateOne({ _id }, { $set: { token: cipher.encrypt(token) } });
  }
  const friends = await enabledFriendIds(models, accountId);
  const session = await takePersistedSession(models.DiscordAccount, cipher, accountId, account.gatewaySession);
  return { token, friends, owner: account.ownerId.toHexString(), ...(session && { session }) };
}

/** Discord user ids of the friends the account's worker watches. */
export async function enabledFriendIds(models: Pick<Models, 'Friend'>, accountId: string): Promise<string[]> {
  const friends = await models.Friend.find({ accountId: toObjectId(accountId), enabled: true }, { discordUserId: 1 }).lean();
  return friends.map((f) => f.discordUserId);
}
