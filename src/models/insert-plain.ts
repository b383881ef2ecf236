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
 * command (a lone document through the driver's `insertOne`: the same command, sent more cheaply).
 * Skips mongoose's `insertMany` and the driver's bulk-write machinery (a bulk operation per call,
 * an `insertOne` wrapper per document, result merging): a few percent of the server's CPU per
 * delivered event. Like the driver, gives a document without `_id` a new ObjectId.
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
  if (docs.length === 1) return insertOne(db, model.collection.collectionName, docs[0] as Record<string, unknown>);
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
  if (writeErrors !== undefined && writeErrors.length > 0) throw refused(writeErrors);
  if (reply.writeConcernError !== undefined) {
    const wce = reply.writeConcernError as { code?: number; errmsg?: string };
    throw Object.assign(new Error(wce.errmsg ?? 'write concern failed'), { name: 'MongoWriteConcernError', code: wce.code });
  }
}

type Db = NonNullable<Connection['db']>;
/** The driver's collection per database and name (a `Collection` is made once, not per insert). */
type DriverCollection = ReturnType<Db['collection']>;
const collections = new WeakMap<Db, Map<string, DriverCollection>>();

/**
 * One document through the driver's `insertOne`: the same `insert` command, but about a tenth less
 * of the server's CPU than `db.command` (measured with `BENCH_SET=driver npm run
 * bench:history-insert`; `db.command` runs the generic command path, with its option resolution
 * and a full decode of the reply). A refused document rejects like a refused document of a batch.
 */
function insertOne(db: Db, name: string, doc: Record<string, unknown>): Promise<void> {
  let byName = collections.get(db);
  if (byName === undefined) collections.set(db, (byName = new Map<string, DriverCollection>()));
  let collection = byName.get(name);
  if (collection === undefined) byName.set(name, (collection = db.collection(name)));
  return collection.insertOne(doc).then(ignore, (err: unknown) => {
    // The driver throws a refused document's write error itself (its `index`, `code`, `errmsg`).
    const e = err as Partial<WriteErrorReply> & { name?: string };
    if (e.name === 'MongoServerError' && typeof e.index === 'number') throw refused([{ index: e.index, code: e.code, errmsg: e.errmsg ?? (err as Error).message }]);
    throw err;
  });
}

const ignore = (): void => undefined;

/** The rejection of documents the server refused: `insertMany`'s shape (see src/utils/write-errors.ts). */
function refused(writeErrors: WriteErrorReply[]): Error {
  const first = writeErrors[0] as WriteErrorReply;
  return Object.assign(new Error(first.errmsg ?? 'insert refused'), { name: 'MongoBulkWriteError', code: first.code, writeErrors });
}

/** A model with `insertPlain` beside `insertMany` (the load harness's probe times it there). */
export function withInsertPlain<M extends ModelLike>(model: M): M & { insertPlain(docs: Array<Record<string, unknown>>): Promise<void> } {
  return Object.assign(model, { insertPlain: (docs: Array<Record<string, unknown>>) => insertPlain(model, docs) });
}
