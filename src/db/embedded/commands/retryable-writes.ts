import type { Binary } from 'bson';
import type { Doc } from '../bson/values.js';
import { bsonTypeOf, isPlainObject, keyOf } from '../bson/values.js';

/** The commands a driver retries as retryable writes (with an lsid and a txnNumber). */
export const RETRYABLE_WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify']);

/** Sessions whose last write's reply is kept; the least recently used is forgotten past this. */
const MAX_SESSIONS = 10_000;

function sessionKey(lsid: unknown): string | undefined {
  if (!isPlainObject(lsid)) return undefined;
  const id = lsid.id;
  return bsonTypeOf(id) === 'Binary' ? Buffer.from((id as Binary).buffer).toString('hex') : undefined;
}

/**
 * Retryable writes as a replica set member runs them: a write carrying a session's txnNumber
 * runs once, and the same txnNumber sent again (the driver retrying after a lost connection)
 * gets the first reply instead of running twice. Only the latest write of each session is kept,
 * as a driver never retries an older one.
 */
export class RetryableWrites {
  readonly #last = new Map<string, { txnNumber: string; reply: Doc }>();

  run(command: Doc, execute: () => Doc): Doc {
    const session = sessionKey(command.lsid);
    if (session === undefined) return execute();
    const txnNumber = keyOf(command.txnNumber);
    const last = this.#last.get(session);
    if (last?.txnNumber === txnNumber) return last.reply;
    const reply = execute();
    this.#last.delete(session);
    this.#last.set(session, { txnNumber, reply });
    if (this.#last.size > MAX_SESSIONS) this.#last.delete(this.#last.keys().next().value as string);
    return reply;
  }
}
