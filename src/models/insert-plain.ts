import { type Connection, Types } from 'mongoose';

/** What `insertPlain` needs of a model. */
interface ModelLike {
  db: Connection;
  collection: { collectionName: string };
}

/** A server reply's per-document error of an unordered insert. */
interface WriteErrorReply {
  index: number;
  code?: number;
  errmsg?: string;
}

/**
 * Inserts documents that are already plain and typed (ObjectIds, Dates) as one unordered `insert`
 * command. Skips mongoose's `insertMany` and the driver's bulk-write machinery (a bulk operation
 * per call, an `insertOne` wrapper per document, result merging): a few percent of the server's
 * CPU per delivered event. Like the driver, gives a document without `_id` a new ObjectId.
 *
 * Errors keep `insertMany`'s shape: documents the server refused reject with `writeErrors`
 * (`index`, `code`; see `src/utils/write-errors.ts`), a write concern failure rejects, and an
 * unreachable database rejects with the driver's own error. No retry here: the connection has
 * retryable writes off (src/db/unavailable.ts) and the callers retry what may succeed later.
 */
export async function insertPlain(model: ModelLike, docs: Array<Record<string, unknown>>): Promise<void> {
  for (const doc of docs) if (doc._id === undefined) doc._id = new Types.ObjectId();
  const db = model.db.db;
  if (db === undefined) throw Object.assign(new Error('not connected to the database'), { name: 'MongoNotConnectedError' });
  const command: Record<string, unknown> = { insert: model.collection.collectionName, documents: docs, ordered: false };
  const wc = db.writeConcern;
  if (wc !== undefined) {
    command.writeConcern = {
      ...(wc.w !== undefined ? { w: wc.w } : {}),
      ...(wc.wtimeoutMS !== undefined ? { wtimeout: wc.wtimeoutMS } : {}),
      ...(wc.journal !== undefined ? { j: wc.journal } : {}),
    };
  }
  const reply = await db.command(command);
  const writeErrors = reply.writeErrors as WriteErrorReply[] | undefined;
  if (writeErrors !== undefined && writeErrors.length > 0) {
    const first = writeErrors[0] as WriteErrorReply;
    throw Object.assign(new Error(first.errmsg ?? 'insert refused'), { name: 'MongoBulkWriteError', code: first.code, writeErrors });
  }
  if (reply.writeConcernError !== undefined) {
    const wce = reply.writeConcernError as { code?: number; errmsg?: string };
    throw Object.assign(new Error(wce.errmsg ?? 'write concern failed'), { name: 'MongoWriteConcernError', code: wce.code });
  }
}

/** A model with `insertPlain` beside `insertMany` (the load harness's probe times it there). */
export function withInsertPlain<M extends ModelLike>(model: M): M & { insertPlain(docs: Array<Record<string, unknown>>): Promise<void> } {
  return Object.assign(model, { insertPlain: (docs: Array<Record<string, unknown>>) => insertPlain(model, docs) });
}
