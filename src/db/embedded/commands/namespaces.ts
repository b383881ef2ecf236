import { Query } from 'mingo';
import type { Doc } from '../bson/values.js';
import { encodeDocument, isPlainObject, toView } from '../bson/values.js';
import { CommandError } from '../errors.js';
import { compileFilter } from '../engine/query.js';
import { flag, optionalCount, optionalDocument, targetCollection } from './command-args.js';
import type { CommandHandler } from './command-context.js';
import { firstBatchReply } from './cursor-reply.js';
import { documentStats } from './db-stats.js';

/** Fields every command may carry that are not collection options. */
export const GENERIC_FIELDS = new Set([
  '$db',
  'lsid',
  'txnNumber',
  'writeConcern',
  'readConcern',
  '$clusterTime',
  '$readPreference',
  'comment',
  'maxTimeMS',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
]);

const UNSUPPORTED_OPTIONS: Record<string, string> = {
  capped: 'capped collections',
  timeseries: 'time series collections',
  viewOn: 'views',
  clusteredIndex: 'clustered collections',
  changeStreamPreAndPostImages: 'change stream images',
  encryptedFields: 'queryable encryption',
};

function collectionOptions(command: Doc): Doc {
  const options: Doc = {};
  for (const [field, value] of Object.entries(command).slice(1)) {
    if (GENERIC_FIELDS.has(field)) continue;
    if (field in UNSUPPORTED_OPTIONS && value !== false) {
      throw new CommandError('CommandNotSupported', `${UNSUPPORTED_OPTIONS[field]} are not supported by the embedded store`);
    }
    options[field] = value;
  }
  if (options.validator !== undefined) assertValidator(options.validator, 'create');
  return options;
}

/** Checks a `validator` option (create, collMod): a query the store can run. */
export function assertValidator(validator: unknown, commandName: string): asserts validator is Doc {
  if (!isPlainObject(validator)) {
    throw new CommandError('TypeMismatch', `BSON field '${commandName}.validator' is the wrong type, expected type 'object'`);
  }
  if ('$jsonSchema' in validator) {
    throw new CommandError('CommandNotSupported', '$jsonSchema validators are not supported by the embedded store');
  }
  compileFilter(validator);
}

const create: CommandHandler = (command, context) => {
  const name = targetCollection(command, 'create');
  const options = collectionOptions(command);
  const existing = context.catalog.collection(context.db, name);
  if (existing) {
    // mongod ≥ 7.0 accepts a create that repeats the existing options (SERVER-60064).
    if (encodeDocument(existing.options).equals(encodeDocument(options))) return { ok: 1 };
    throw new CommandError('NamespaceExists', `Collection ${context.db}.${name} already exists.`);
  }
  context.catalog.createCollection(context.db, name, options);
  return { ok: 1 };
};

const drop: CommandHandler = (command, context) => {
  const name = targetCollection(command, 'drop');
  const collection = context.catalog.collection(context.db, name);
  if (!collection) throw new CommandError('NamespaceNotFound', 'ns not found');
  const nIndexesWas = collection.indexSpecs().length;
  context.catalog.dropCollection(collection);
  return { nIndexesWas, ns: collection.ns, ok: 1 };
};

/** `db.coll` → [db, coll] (the collection part may hold dots). */
function splitNamespace(value: unknown, which: 'source' | 'target'): [string, string] {
  const dot = typeof value === 'string' ? value.indexOf('.') : -1;
  if (typeof value !== 'string' || dot <= 0 || dot === value.length - 1) {
    throw new CommandError('InvalidNamespace', `Invalid ${which} namespace: ${String(value)}`);
  }
  return [value.slice(0, dot), value.slice(dot + 1)];
}

/** renameCollection: `{renameCollection: 'db.from', to: 'db.to', dropTarget?}` on `admin`, as mongod. */
const renameCollection: CommandHandler = (command, context) => {
  if (context.db !== 'admin') {
    throw new CommandError('Unauthorized', 'renameCollection may only be run against the admin database.');
  }
  const [fromDb, fromName] = splitNamespace(command.renameCollection, 'source');
  const [toDb, toName] = splitNamespace(command.to, 'target');
  if (fromDb === toDb && fromName === toName) throw new CommandError('IllegalOperation', "Can't rename a collection to itself");
  const source = context.catalog.collection(fromDb, fromName);
  if (!source) throw new CommandError('NamespaceNotFound', `Source collection ${fromDb}.${fromName} does not exist`);
  const target = context.catalog.collection(toDb, toName);
  if (target) {
    if (!flag(command, 'dropTarget')) throw new CommandError('NamespaceExists', 'target namespace exists');
    context.catalog.dropCollection(target);
  }
  context.catalog.renameCollection(source, toDb, toName);
  return { ok: 1 };
};

const dropDatabase: CommandHandler = (_command, context) => {
  context.catalog.dropDatabase(context.db);
  return { dropped: context.db, ok: 1 };
};

function applyFilter(docs: Doc[], filter: Doc | undefined): Doc[] {
  if (!filter || Object.keys(filter).length === 0) return docs;
  const query = new Query(toView(filter) as Doc);
  return docs.filter((doc) => query.test(doc));
}

const listCollections: CommandHandler = (command, context) => {
  const nameOnly = flag(command, 'nameOnly');
  const all = context.catalog.collections(context.db).map((collection) => ({
    name: collection.name,
    type: 'collection',
    options: collection.options,
    info: { readOnly: false },
    idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
  }));
  const docs = applyFilter(all, optionalDocument(command, 'filter')).map((doc) =>
    nameOnly ? { name: doc.name, type: doc.type } : doc,
  );
  const cursor = isPlainObject(command.cursor) ? command.cursor : {};
  return firstBatchReply(context, `${context.db}.$cmd.listCollections`, docs, { batchSize: optionalCount(cursor, 'batchSize') });
};

const listDatabases: CommandHandler = (command, context) => {
  if (context.db !== 'admin') {
    throw new CommandError('Unauthorized', 'listDatabases may only be run against the admin database.');
  }
  const nameOnly = flag(command, 'nameOnly');
  const all = context.catalog.databaseNames().map((name) => {
    const sizeOnDisk = documentStats(context.catalog, name).dataSize;
    return { name, sizeOnDisk, empty: sizeOnDisk === 0 };
  });
  const databases = applyFilter(all, optionalDocument(command, 'filter'));
  if (nameOnly) return { databases: databases.map((db) => ({ name: db.name })), ok: 1 };
  const totalSize = databases.reduce((sum, db) => sum + Number(db.sizeOnDisk), 0);
  return { databases, totalSize, totalSizeMb: Math.round(totalSize / 1024 / 1024), ok: 1 };
};

export const namespaceCommands: Record<string, CommandHandler> = {
  create,
  drop,
  dropDatabase,
  renameCollection,
  listCollections,
  listDatabases,
};
