import { Query } from 'mingo/query';
import type { Doc } from '../bson/values.js';
import { encodeDocument, formatDocument, isPlainObject, keyOf, toView } from '../bson/values.js';
import { EMBEDDED_MONGO_DEFAULTS } from '../constants.js';
import { CommandError } from '../errors.js';
import type { Persistence } from '../persistence/persistence.js';
import type { NewChange } from '../changes/change-log.js';
import { equalityKeys } from './index-keys.js';
import { MINGO_CONTEXT } from './mingo-context.js';
import type { IndexEntry } from './secondary-index.js';
import { SecondaryIndex } from './secondary-index.js';
import type { StoredRecord } from './stored-record.js';
import { makeRecord } from './stored-record.js';
import { TtlExpiries } from './ttl-expiries.js';
import type { UpdateSpec } from './update.js';
import { isReplacement } from './update.js';

/** Where a collection reports its committed-to-be changes (the change log of change streams). */
export interface ChangeSink {
  record(change: NewChange): void;
}

export const ID_INDEX_NAME = '_id_';
export const ID_INDEX_SPEC = { v: 2, key: { _id: 1 }, name: ID_INDEX_NAME } as const;

/** The E11000 error mongod raises, with the keyPattern/keyValue mongoose and the driver read. */
export function duplicateKeyError(ns: string, indexName: string, keyPattern: Doc, keyValue: Doc): CommandError {
  return new CommandError(
    'DuplicateKey',
    `E11000 duplicate key error collection: ${ns} index: ${indexName} dup key: ${formatDocument(keyValue)}`,
    { keyPattern, keyValue },
  );
}

/**
 * One collection: documents by `_id` key in natural (insertion) order, its secondary indexes, and
 * the write path that keeps both and the persistence layer in step. Every check (size, validator,
 * unique keys) runs before anything changes, so a rejected write leaves no trace.
 */
export class Collection {
  #db: string;
  #name: string;
  readonly persistId: number;
  readonly records = new Map<string, StoredRecord>();
  readonly indexes = new Map<string, SecondaryIndex>();
  readonly #ttl = new TtlExpiries();
  readonly #persistence: Persistence;
  readonly #changes: ChangeSink | undefined;
  #options: Doc;
  #validator: Query | undefined;

  constructor(db: string, name: string, persistId: number, options: Doc, persistence: Persistence, changes?: ChangeSink) {
    this.#db = db;
    this.#name = name;
    this.persistId = persistId;
    this.#persistence = persistence;
    this.#changes = changes;
    this.#options = options;
    this.#validator = validatorOf(options);
  }

  /** The options the collection was created with, as changed by collMod since. */
  get options(): Doc {
    return this.#options;
  }

  /** Replaces the collection's options (collMod), which may change its validator. */
  setOptions(options: Doc): void {
    this.#validator = validatorOf(options);
    this.#options = options;
    this.#persistence.putCollectionOptions(this.persistId, options);
  }

  /** Changes options of a secondary index (collMod) and persists its spec. */
  updateIndex(index: SecondaryIndex, changes: { expireAfterSeconds?: number; hidden?: boolean }): void {
    if (changes.expireAfterSeconds !== undefined) {
      index.setExpireAfterSeconds(changes.expireAfterSeconds);
      this.#ttl.rebuild(index, this.records.values());
    }
    if (changes.hidden !== undefined) {
      if (changes.hidden) index.spec.hidden = true;
      else delete index.spec.hidden;
    }
    this.#persistence.putIndex(this.persistId, index.spec);
  }

  get db(): string {
    return this.#db;
  }

  get name(): string {
    return this.#name;
  }

  get ns(): string {
    return `${this.#db}.${this.#name}`;
  }

  /** Gives the collection another name (renameCollection; the catalog moves it between databases). */
  rename(db: string, name: string): void {
    this.#persistence.renameCollection(this.persistId, db, name);
    this.#db = db;
    this.#name = name;
  }

  /** Adds a document that already carries its `_id`. */
  insert(doc: Doc): StoredRecord {
    const idKey = keyOf(doc._id);
    if (this.records.has(idKey)) throw duplicateKeyError(this.ns, ID_INDEX_NAME, { _id: 1 }, { _id: doc._id });
    const record = makeRecord(idKey, doc);
    const bytes = this.#checkWritable(record, undefined);
    const entries = this.#checkUnique(record);
    this.records.set(idKey, record);
    for (const [index, indexEntries] of entries) index.add(idKey, indexEntries);
    this.#ttl.track(this.indexes.values(), record);
    this.#persistence.putDocument(this.persistId, idKey, bytes);
    this.#changes?.record({ kind: 'insert', db: this.db, coll: this.name, id: doc._id, after: doc });
    return record;
  }

  /**
   * Replaces a document by a new version with the same `_id` (`encoded`: `doc` encoded already).
   * `update` is what changed it: an operator or pipeline update makes an `update` change event,
   * a replacement document (or none) a `replace`.
   */
  replace(previous: StoredRecord, doc: Doc, encoded?: Buffer, update?: UpdateSpec): StoredRecord {
    const record = makeRecord(previous.idKey, doc);
    const bytes = this.#checkWritable(record, previous, encoded);
    const entries = this.#checkUnique(record);
    for (const index of this.indexes.values()) index.remove(previous.idKey, index.entriesFor(previous.doc, previous.view));
    this.records.set(record.idKey, record);
    for (const [index, indexEntries] of entries) index.add(record.idKey, indexEntries);
    this.#ttl.retrack(this.indexes.values(), previous, record);
    this.#persistence.putDocument(this.persistId, record.idKey, bytes);
    const kind = update === undefined || isReplacement(update) ? 'replace' : 'update';
    this.#changes?.record({ kind, db: this.db, coll: this.name, id: doc._id, before: previous.doc, after: doc, update });
    return record;
  }

  remove(record: StoredRecord): void {
    for (const index of this.indexes.values()) index.remove(record.idKey, index.entriesFor(record.doc, record.view));
    this.records.delete(record.idKey);
    this.#persistence.deleteDocument(this.persistId, record.idKey);
    this.#changes?.record({ kind: 'delete', db: this.db, coll: this.name, id: record.doc._id, before: record.doc });
  }

  /** Puts a document read back from disk, trusting it was valid when written. */
  restore(doc: Doc): void {
    const record = makeRecord(keyOf(doc._id), doc);
    this.records.set(record.idKey, record);
    for (const index of this.indexes.values()) index.add(record.idKey, index.entriesFor(record.doc, record.view));
    this.#ttl.track(this.indexes.values(), record);
  }

  /** The documents a TTL index says are expired at `now` (mongod's TTL monitor deletes them). */
  expired(now: number): StoredRecord[] {
    return this.#ttl.due(now, this.records);
  }

  /**
   * The documents an equality (or `$in` of plain values) on `_id` picks: exactly those whose `_id`
   * equals one of the values, as the `_id` index keys equal values alike. Undefined when the
   * filter has no such condition on `_id`.
   */
  idCandidates(filter: Doc): StoredRecord[] | undefined {
    if (!('_id' in filter)) return undefined;
    const keys = equalityKeys(filter._id);
    return keys ? this.#recordsOf(keys) : undefined;
  }

  /**
   * The documents an indexed equality in the filter narrows the search to, or undefined when no
   * index applies and the caller must scan.
   */
  candidates(filter: Doc): StoredRecord[] | undefined {
    const byId = this.idCandidates(filter);
    if (byId) return byId;
    let best: Set<string> | undefined;
    for (const index of this.indexes.values()) {
      const ids = index.lookup(filter);
      if (ids && (!best || ids.size < best.size)) best = ids;
      if (best && best.size <= 1) break;
    }
    return best ? this.#recordsOf(best) : undefined;
  }

  /** Every document in natural order. */
  all(): StoredRecord[] {
    return [...this.records.values()];
  }

  /** Builds an index over the existing documents; fails without side effects on a duplicate. */
  createIndex(spec: Doc): SecondaryIndex {
    const index = new SecondaryIndex(spec);
    for (const record of this.records.values()) {
      const entries = index.entriesFor(record.doc, record.view);
      const conflict = index.conflictOf(entries, record.idKey);
      if (conflict) {
        index.clear();
        const error = duplicateKeyError(this.ns, index.name, index.keyPattern, index.keyValueOf(conflict));
        throw new CommandError('DuplicateKey', `Index build failed: ${error.message}`, error.extra);
      }
      index.add(record.idKey, entries);
    }
    this.indexes.set(index.name, index);
    this.#ttl.rebuild(index, this.records.values());
    this.#persistence.putIndex(this.persistId, spec);
    return index;
  }

  /** Re-creates an index read back from disk (documents are restored afterwards). */
  restoreIndex(spec: Doc): void {
    const index = new SecondaryIndex(spec);
    this.indexes.set(index.name, index);
    this.#ttl.rebuild(index, []);
  }

  dropIndex(name: string): void {
    const index = this.indexes.get(name);
    if (index) this.#ttl.forget(index);
    this.indexes.delete(name);
    this.#persistence.dropIndex(this.persistId, name);
  }

  /** `_id_` first, then the secondary indexes in creation order. */
  indexSpecs(): Doc[] {
    return [{ ...ID_INDEX_SPEC, key: { _id: 1 } }, ...[...this.indexes.values()].map((index) => index.spec)];
  }

  #recordsOf(ids: Iterable<string>): StoredRecord[] {
    const out: StoredRecord[] = [];
    for (const id of ids) {
      const record = this.records.get(id);
      if (record) out.push(record);
    }
    return out;
  }

  /** Size and validator checks of a new document, or of the new version of `previous`. */
  #checkWritable(record: StoredRecord, previous: StoredRecord | undefined, encoded?: Buffer): Buffer {
    const bytes = encoded ?? encodeDocument(record.doc);
    const max = EMBEDDED_MONGO_DEFAULTS.maxBsonObjectSize;
    if (bytes.length > max) {
      throw new CommandError(
        'BSONObjectTooLarge',
        previous === undefined
          ? `object to insert too large. size in bytes: ${bytes.length}, max size: ${max}`
          : `Resulting document after update is larger than ${max}`,
      );
    }
    // validationLevel "moderate" leaves updates of documents that already fail the validator alone.
    const exempt = previous !== undefined && this.#options.validationLevel === 'moderate' && !this.#validator?.test(previous.view);
    if (this.#validator && !exempt && !this.#validator.test(record.view)) {
      throw new CommandError('DocumentValidationFailure', 'Document failed validation', {
        errInfo: { failingDocumentId: record.doc._id, details: { operatorName: '$and', schemaRulesNotSatisfied: [] } },
      });
    }
    return bytes;
  }

  #checkUnique(record: StoredRecord): Array<[SecondaryIndex, IndexEntry[]]> {
    const all: Array<[SecondaryIndex, IndexEntry[]]> = [];
    for (const index of this.indexes.values()) {
      const entries = index.entriesFor(record.doc, record.view);
      const conflict = index.conflictOf(entries, record.idKey);
      if (conflict) throw duplicateKeyError(this.ns, index.name, index.keyPattern, index.keyValueOf(conflict));
      all.push([index, entries]);
    }
    return all;
  }
}

/** The enforced validator of a collection's options: none when validationLevel is off or validationAction warn. */
function validatorOf(options: Doc): Query | undefined {
  const enforced = options.validationLevel !== 'off' && options.validationAction !== 'warn';
  return isPlainObject(options.validator) && enforced ? new Query(toView(options.validator) as Doc, { context: MINGO_CONTEXT }) : undefined;
}
