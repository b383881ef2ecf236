import type { Models } from '../models/index.js';
import type { SessionHandover } from '../supervisor/session-keeper.js';
import { toObjectId } from '../utils/cursor.js';
import type { EncryptedSecret, TokenCipher } from '../utils/token-cipher.js';

/**
 * Gateway sessions persisted for whoever starts the account's worker next: this server after a
 * restart, or another node taking the account over. A session is a credential (whoever holds it
 * and the token can resume it), so it is stored encrypted like the token, and read once.
 */

type AccountModel = Pick<Models, 'DiscordAccount'>['DiscordAccount'];

/** Stores the sessions, one update per account in a single round trip. */
export async function persistSessions(
  model: AccountModel,
  cipher: TokenCipher,
  sessions: ReadonlyArray<readonly [accountId: string, handover: SessionHandover]>,
): Promise<void> {
  const updates = sessions.flatMap(([accountId, handover]) => {
    const _id = toObjectId(accountId);
    if (!_id) return [];
    const gatewaySession = cipher.encrypt(JSON.stringify(handover));
    return [{ updateOne: { filter: { _id }, update: { $set: { gatewaySession } } } }];
  });
  if (updates.length > 0) await model.bulkWrite(updates, { ordered: false });
}

/**
 * The account's persisted session, removed as it is read: it is resumed once, and from then on
 * the supervisor keeps it. Undefined when there is none or it cannot be read.
 */
export async function takePersistedSession(
  model: AccountModel,
  cipher: TokenCipher,
  accountId: string,
  stored: EncryptedSecret | null | undefined,
): Promise<SessionHandover | undefined> {
  if (!stored?.ciphertext) return undefined;
  await model.updateOne({ _id: toObjectId(accountId) }, { $unset: { gatewaySession: 1 } });
  return readHandover(cipher, stored);
}

/**
 * Removes the account's persisted session if it is `sessionId`, one its worker ended (fencing):
 * Discord would refuse to resume it. A newer one stored meanwhile (by another node) is kept: the
 * removal matches the exact record that was read. Whether one was removed.
 */
export async function dropPersistedSession(model: AccountModel, cipher: TokenCipher, accountId: string, sessionId: string): Promise<boolean> {
  const _id = toObjectId(accountId);
  if (!_id) return false;
  // Not lean: mongoose turns the stored Binary fields back into Buffers.
  const account = await model.findById(_id, { gatewaySession: 1 });
  const stored = account?.gatewaySession;
  if (!stored?.ciphertext || readHandover(cipher, stored)?.session.sessionId !== sessionId) return false;
  const { modifiedCount } = await model.updateOne(
    { _id, 'gatewaySession.ciphertext': stored.ciphertext },
    { $unset: { gatewaySession: 1 } },
  );
  return modifiedCount > 0;
}

/** A persisted session decrypted, or undefined when it cannot be read. */
function readHandover(cipher: TokenCipher, stored: EncryptedSecret): SessionHandover | undefined {
  try {
    const handover = JSON.parse(cipher.decrypt(stored)) as SessionHandover;
    return typeof handover.session?.sessionId === 'string' && typeof handover.seenAt === 'number' ? handover : undefined;
  } catch {
    // A rotated-away key or a damaged record: identify as if there were none.
    return undefined;
  }
}
