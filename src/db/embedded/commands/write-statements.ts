import type { Doc } from '../bson/values.js';
import { isPlainObject, toView } from '../bson/values.js';
import type { ErrorCodeName } from '../errors.js';
import { CommandError } from '../errors.js';
import type { Collection } from '../engine/collection.js';
import type { Variables } from '../engine/let-variables.js';
import type { QueryScope } from '../engine/query.js';
import { matchRecords, sortRecords, sortSpec } from '../engine/query.js';
import type { StoredRecord } from '../engine/stored-record.js';
import type { UpdateSpec } from '../engine/update.js';
import { applyUpdate, isReplacement, upsertSeed, validateUpdate } from '../engine/update.js';
import type { CommandContext } from './command-context.js';
import { prepareInsert } from './insert.js';

/** One statement of an update command, or the update half of findAndModify. */
export interface UpdateStatement {
  filter: Doc;
  update: UpdateSpec;
  multi: boolean;
  upsert: boolean;
  sort?: Doc | undefined;
  arrayFilters?: Doc[] | undefined;
  collation?: unknown;
  /** The command's `let` variables, for `$expr` in the filter and pipeline updates. */
  variables?: Variables | undefined;
}

export interface UpdateResult {
  matched: number;
  modified: number;
  /** The `_id` of an upserted document. */
  upsertedId?: unknown;
  /** The first matched document before and after the update, or the upserted document. */
  before?: StoredRecord | undefined;
  after?: Doc | undefined;
}

/** Reads and checks `{q, u, multi, upsert, arrayFilters, sort}`. */
export function parseUpdateStatement(raw: unknown, variables?: Variables): UpdateStatement {
  if (!isPlainObject(raw)) throw new CommandError('TypeMismatch', 'update statement must be an object');
  const filter = raw.q ?? {};
  if (!isPlainObject(filter)) throw new CommandError('TypeMismatch', "BSON field 'q' is the wrong type, expected type 'object'");
  validateUpdate(raw.u);
  const multi = raw.multi === true;
  if (multi && isReplacement(raw.u)) {
    throw new CommandError('FailedToParse', 'multi update is not supported for replacement-style update');
  }
  return {
    filter,
    update: raw.u,
    multi,
    upsert: raw.upsert === true,
    arrayFilters: Array.isArray(raw.arrayFilters) ? (raw.arrayFilters as Doc[]) : undefined,
    collation: raw.collation,
    variables,
  };
}

/** The documents a single-document operation acts on: the first match, in sort order if given. */
export function targetRecords(
  collection: Collection | undefined,
  filter: Doc,
  multi: boolean,
  sort: Doc | undefined,
  scope: QueryScope = {},
): StoredRecord[] {
  if (multi) return matchRecords(collection, filter, Infinity, scope);
  if (!sortSpec(sort)) return matchRecords(collection, filter, 1, scope);
  return sortRecords(matchRecords(collection, filter, Infinity, scope), sort, scope.collation).slice(0, 1);
}

/** Applies one update statement, upserting when nothing matches and upsert is set. */
export function executeUpdate(context: CommandContext, collectionName: string, statement: UpdateStatement): UpdateResult {
  const existing = context.catalog.collection(context.db, collectionName);
  const records = targetRecords(existing, statement.filter, statement.multi, statement.sort, statement);
  return applyStatement(context, collectionName, statement, existing, records);
}

/**
 * executeUpdate for findAndModify: errors raised while applying the update to the document (not
 * while parsing or matching) carry mongod's "Plan executor error during findAndModify" context.
 */
export function executeFindAndModifyUpdate(context: CommandContext, collectionName: string, statement: UpdateStatement): UpdateResult {
  const existing = context.catalog.collection(context.db, collectionName);
  const records = targetRecords(existing, statement.filter, false, statement.sort, statement);
  try {
    return applyStatement(context, collectionName, statement, existing, records);
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    throw new CommandError(error.codeName as ErrorCodeName, `Plan executor error during findAndModify :: caused by :: ${error.message}`, error.extra);
  }
}

function applyStatement(
  context: CommandContext,
  collectionName: string,
  statement: UpdateStatement,
  existing: Collection | undefined,
  records: StoredRecord[],
): UpdateResult {
  const filterView = toView(statement.filter) as Doc;
  if (records.length === 0) {
    if (!statement.upsert) return { matched: 0, modified: 0 };
    const seed = upsertSeed(statement.filter);
    const base = isReplacement(statement.update) ? (seed._id === undefined ? {} : { _id: seed._id }) : seed;
    const { doc } = applyUpdate(base, statement.update, {
      filterView,
      arrayFilters: statement.arrayFilters,
      inserting: true,
      variables: statement.variables,
    });
    const prepared = prepareInsert(doc);
    const { collection } = context.catalog.ensureCollection(context.db, collectionName);
    collection.insert(prepared);
    return { matched: 0, modified: 0, upsertedId: prepared._id, after: prepared };
  }
  const collection = existing as Collection;
  let modified = 0;
  let after: Doc | undefined;
  for (const record of records) {
    const outcome = applyUpdate(record.doc, statement.update, {
      filterView,
      arrayFilters: statement.arrayFilters,
      inserting: false,
      variables: statement.variables,
    });
    if (outcome.modified) {
      collection.replace(record, outcome.doc, outcome.bytes, statement.update);
      modified++;
    }
    after ??= outcome.modified ? outcome.doc : record.doc;
  }
  return { matched: records.length, modified, before: records[0], after };
}
