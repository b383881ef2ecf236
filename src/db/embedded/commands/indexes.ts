import type { Doc } from '../bson/values.js';
import { encodeDocument, formatDocument, isPlainObject, numberOf } from '../bson/values.js';
import { CommandError } from '../errors.js';
import type { Collection } from '../engine/collection.js';
import { ID_INDEX_NAME } from '../engine/collection.js';
import { optionalCount, requiredArray, targetCollection } from './command-args.js';
import type { CommandHandler } from './command-context.js';
import { firstBatchReply } from './cursor-reply.js';

const INDEX_TYPES = new Set(['hashed', 'text', '2dsphere', '2d']);
/** Options that make two indexes on the same key different indexes. */
const IDENTITY_OPTIONS = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'collation', 'hidden'];
/** Fields of a createIndexes spec that are not kept in the stored spec. */
const DROPPED_FIELDS = new Set(['v', 'ns', 'background']);

/** mongod's generated index name: `{a: 1, b: -1}` → `a_1_b_-1`. */
export function defaultIndexName(key: Doc): string {
  return Object.entries(key)
    .map(([field, direction]) => `${field}_${String(numberOf(direction) ?? direction)}`)
    .join('_');
}

/** Validates one requested index and returns it as listIndexes will show it. */
export function normaliseIndexSpec(raw: unknown): Doc {
  if (!isPlainObject(raw) || !isPlainObject(raw.key) || Object.keys(raw.key).length === 0) {
    throw new CommandError('FailedToParse', "The 'key' field of an index specification must be a non-empty object");
  }
  const key: Doc = {};
  for (const [field, direction] of Object.entries(raw.key)) {
    const number = numberOf(direction);
    if (!(number !== undefined && number !== 0 && Number.isFinite(number)) && !(typeof direction === 'string' && INDEX_TYPES.has(direction))) {
      throw new CommandError('CannotCreateIndex', `Values in the index key pattern can't be 0 or non-numeric: ${formatDocument(raw.key)}`);
    }
    key[field] = direction;
  }
  const name = raw.name === undefined ? defaultIndexName(key) : raw.name;
  if (typeof name !== 'string' || name.length === 0) throw new CommandError('CannotCreateIndex', 'index name must be a non-empty string');
  const spec: Doc = { v: 2, key, name };
  for (const [field, value] of Object.entries(raw)) {
    if (field === 'key' || field === 'name' || DROPPED_FIELDS.has(field)) continue;
    if ((field === 'unique' || field === 'sparse') && value !== true) {
      if (value === false || numberOf(value) === 0) continue;
    }
    spec[field] = field === 'unique' || field === 'sparse' ? true : value;
  }
  if (spec.expireAfterSeconds !== undefined) {
    const seconds = numberOf(spec.expireAfterSeconds);
    if (seconds === undefined || seconds < 0 || !Number.isFinite(seconds)) {
      throw new CommandError('InvalidOptions', `TTL index 'expireAfterSeconds' option must be a non-negative number`);
    }
    if (Object.keys(key).length !== 1 || '_id' in key) {
      throw new CommandError('InvalidOptions', 'TTL indexes are single-field indexes on a field other than _id');
    }
  }
  if (spec.partialFilterExpression !== undefined && !isPlainObject(spec.partialFilterExpression)) {
    throw new CommandError('TypeMismatch', "BSON field 'partialFilterExpression' is the wrong type, expected type 'object'");
  }
  return spec;
}

function sameBytes(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  return encodeDocument({ v: a }).equals(encodeDocument({ v: b }));
}

function sameOptions(a: Doc, b: Doc): boolean {
  return IDENTITY_OPTIONS.every((option) => sameBytes(a[option], b[option]));
}

/** Whether the spec already exists; throws mongod's conflict errors for near-duplicates. */
function alreadyExists(collection: Collection, spec: Doc): boolean {
  const specs = collection.indexSpecs();
  const byName = specs.find((existing) => existing.name === spec.name);
  if (byName) {
    if (!sameBytes(byName.key, spec.key)) {
      throw new CommandError(
        'IndexKeySpecsConflict',
        `An existing index has the same name as the requested index. When index names are not explicitly specified, they are auto-generated and can cause conflicts. Please refer to our documentation. Requested index: ${formatDocument(spec)}, existing index: ${formatDocument(byName)}`,
      );
    }
    if (!sameOptions(byName, spec) && spec.name !== ID_INDEX_NAME) {
      throw new CommandError(
        'IndexOptionsConflict',
        `An equivalent index already exists with the same name but different options. Requested index: ${formatDocument(spec)}, existing index: ${formatDocument(byName)}`,
      );
    }
    return true;
  }
  const byKey = specs.find(
    (existing) => sameBytes(existing.key, spec.key) && sameBytes(existing.partialFilterExpression, spec.partialFilterExpression),
  );
  if (byKey) throw new CommandError('IndexOptionsConflict', `Index already exists with a different name: ${String(byKey.name)}`);
  return false;
}

const createIndexes: CommandHandler = (command, context) => {
  const name = targetCollection(command, 'createIndexes');
  const specs = requiredArray(command, 'indexes', 'createIndexes').map(normaliseIndexSpec);
  if (specs.length === 0) throw new CommandError('BadValue', 'Must specify at least one index to create');
  const { collection, created } = context.catalog.ensureCollection(context.db, name);
  const before = collection.indexSpecs().length;
  const built: string[] = [];
  try {
    for (const spec of specs) {
      if (alreadyExists(collection, spec)) continue;
      collection.createIndex(spec);
      built.push(String(spec.name));
    }
  } catch (error) {
    // createIndexes is all or nothing; the persistence transaction rolls back the disk side.
    for (const indexName of built) collection.indexes.delete(indexName);
    if (created) context.catalog.dropCollection(collection);
    throw error;
  }
  const reply: Doc = { numIndexesBefore: before, numIndexesAfter: collection.indexSpecs().length, createdCollectionAutomatically: created };
  if (built.length === 0) reply.note = 'all indexes already exist';
  reply.ok = 1;
  return reply;
};

function existingCollection(command: Doc, commandName: string, context: Parameters<CommandHandler>[1]): Collection {
  const name = targetCollection(command, commandName);
  const collection = context.catalog.collection(context.db, name);
  if (!collection) throw new CommandError('NamespaceNotFound', `ns does not exist: ${context.db}.${name}`);
  return collection;
}

const listIndexes: CommandHandler = (command, context) => {
  const collection = existingCollection(command, 'listIndexes', context);
  const cursor = isPlainObject(command.cursor) ? command.cursor : {};
  return firstBatchReply(context, collection.ns, collection.indexSpecs(), { batchSize: optionalCount(cursor, 'batchSize') });
};

function indexNamesToDrop(collection: Collection, target: unknown): string[] {
  if (target === '*') return [...collection.indexes.keys()];
  if (Array.isArray(target)) return target.flatMap((item) => indexNamesToDrop(collection, item));
  if (typeof target === 'string') {
    if (target === ID_INDEX_NAME) throw new CommandError('InvalidOptions', 'cannot drop _id index');
    if (!collection.indexes.has(target)) throw new CommandError('IndexNotFound', `index not found with name [${target}]`);
    return [target];
  }
  if (isPlainObject(target)) {
    const matches = collection.indexSpecs().filter((spec) => sameBytes(spec.key, target));
    if (matches.length === 0) throw new CommandError('IndexNotFound', `can't find index with key: ${formatDocument(target)}`);
    if (matches.length > 1) throw new CommandError('Location133', `${matches.length} indexes found for key: ${formatDocument(target)}, identify by name instead.`);
    return indexNamesToDrop(collection, (matches[0] as Doc).name);
  }
  throw new CommandError('TypeMismatch', "BSON field 'index' must be a string, an object or an array of strings");
}

const dropIndexes: CommandHandler = (command, context) => {
  const name = targetCollection(command, Object.keys(command)[0] as string);
  const collection = context.catalog.collection(context.db, name);
  if (!collection) throw new CommandError('NamespaceNotFound', `ns not found ${context.db}.${name}`);
  const nIndexesWas = collection.indexSpecs().length;
  const names = indexNamesToDrop(collection, command.index);
  for (const indexName of names) collection.dropIndex(indexName);
  return { nIndexesWas, ok: 1 };
};

export const indexCommands: Record<string, CommandHandler> = {
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
};
