import { find } from 'mingo';
import { Query } from 'mingo/query';
import type { Doc } from '../bson/values.js';
import { isPlainObject, numberOf, toView } from '../bson/values.js';
import { unaliasKeys } from '../bson/own-keys.js';
import { CommandError } from '../errors.js';
import type { Collection } from './collection.js';
import type { StoredRecord } from './stored-record.js';
import { applyArrayProjections, splitProjection } from './array-projection.js';
import { folderOf, sortCollation } from './collation.js';
import type { Variables } from './let-variables.js';
import { MINGO_CONTEXT } from './mingo-context.js';
import { fromMingo } from './mingo-errors.js';
import { checkTimeBudget } from './time-budget.js';

export interface FindSpec {
  filter: Doc;
  sort?: Doc | undefined;
  skip?: number | undefined;
  limit?: number | undefined;
  projection?: Doc | undefined;
  /** The command's `collation` option. */
  collation?: unknown;
  /** The command's `let` variables. */
  variables?: Variables | undefined;
}

/** What a query runs with besides its filter: the command's collation and `let` variables. */
export interface QueryScope {
  collation?: unknown;
  variables?: Variables | undefined;
}

/** Compiles a filter for mingo, turning its errors into mongod's BadValue. */
export function compileFilter(filter: Doc, variables?: Variables): Query | undefined {
  if (Object.keys(filter).length === 0) return undefined;
  return compileQuery(toView(filter) as Doc, variables);
}

/** Compiles a query on query views with the store's operators (RE2 regexes and the fixes). */
export function compileQuery(view: Doc, variables?: Variables): Query {
  try {
    return new Query(view, { context: MINGO_CONTEXT, variables });
  } catch (error) {
    throw fromMingo(error);
  }
}

/**
 * The documents matching a filter in natural order, using an index for equality conditions when
 * one applies. `stopAfter` ends the search early (updateOne, deleteOne without sort).
 */
export function matchRecords(collection: Collection | undefined, filter: Doc, stopAfter = Infinity, scope: QueryScope = {}): StoredRecord[] {
  const fold = folderOf(scope.collation);
  // Compiled first: a bad operator is an error even when there is nothing to match (as in mongod).
  let query = compileFilter(fold ? (fold(toView(filter)) as Doc) : filter, scope.variables);
  if (!collection) return [];
  // Under a case-insensitive collation equal strings have several spellings: scan.
  const byId = fold ? undefined : collection.idCandidates(filter);
  // The `_id` lookup already holds exactly the documents the `_id` condition matches, so only the
  // rest of the filter is tested: mingo's `$in` hashes its whole list for every document tested,
  // which made a lease renewal of 100 accounts by `_id` cost 100 × 100 hashes.
  if (byId) query = compileFilter(withoutId(filter), scope.variables);
  const candidates = byId ?? (fold ? undefined : collection.candidates(filter)) ?? collection.records.values();
  const out: StoredRecord[] = [];
  for (const record of candidates) {
    if (out.length >= stopAfter) break;
    checkTimeBudget();
    if (!query || testView(query, fold ? (fold(record.view) as Doc) : record.view)) out.push(record);
  }
  return out;
}

/** The filter without its top-level `_id` condition. */
function withoutId(filter: Doc): Doc {
  const rest: Doc = {};
  for (const key of Object.keys(filter)) if (key !== '_id') rest[key] = filter[key];
  return rest;
}

function testView(query: Query, view: Doc): boolean {
  try {
    return query.test(view);
  } catch (error) {
    throw fromMingo(error);
  }
}

/** Sorts records with mingo's $sort semantics (arrays by their min/max element, type order). */
export function sortRecords(records: StoredRecord[], sort: Doc | undefined, collation?: unknown): StoredRecord[] {
  const spec = sortSpec(sort);
  if (!spec || records.length < 2) return records;
  const byView = new Map<Doc, StoredRecord>(records.map((record) => [record.view, record]));
  const sorted = find(records.map((record) => record.view), {}, {}, { collation: sortCollation(collation) as never }).sort(spec).all() as Doc[];
  return sorted.map((view) => byView.get(view) as StoredRecord);
}

/** A mingo sort spec from the command's, or undefined when it sorts nothing ($natural included). */
export function sortSpec(sort: Doc | undefined): Record<string, 1 | -1> | undefined {
  if (!isPlainObject(sort)) return undefined;
  const spec: Record<string, 1 | -1> = {};
  for (const [field, direction] of Object.entries(sort)) {
    if (field === '$natural') continue;
    const value = numberOf(direction);
    if (value !== 1 && value !== -1) {
      throw new CommandError('BadValue', `$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
    }
    spec[field] = value;
  }
  return Object.keys(spec).length > 0 ? spec : undefined;
}

/** Runs a find: filter, sort, skip, limit, then projection. Returns stored-form documents. */
export function runFind(collection: Collection | undefined, spec: FindSpec): Doc[] {
  const sorted = sortSpec(spec.sort);
  const limit = spec.limit && spec.limit > 0 ? spec.limit : Infinity;
  const skip = spec.skip && spec.skip > 0 ? spec.skip : 0;
  const stopAfter = sorted ? Infinity : skip + limit;
  let records = matchRecords(collection, spec.filter, stopAfter, spec);
  records = sortRecords(records, spec.sort, spec.collation);
  const page = records.slice(skip, limit === Infinity ? undefined : skip + limit);
  if (hasPositionalProjection(spec.projection)) {
    // The positional `$` needs the filter to pick the array element, so mingo evaluates it on the
    // query views (Long and Decimal128 values in these results come back as plain numbers).
    return projectDocuments(
      page.map((record) => record.view),
      spec.projection,
      toView(spec.filter) as Doc,
      spec.variables,
    ).map((doc) => unaliasKeys(doc, isPlainObject) as Doc);
  }
  return projectDocuments(
    page.map((record) => record.doc),
    spec.projection,
    {},
    spec.variables,
  );
}

function hasPositionalProjection(projection: Doc | undefined): boolean {
  return isPlainObject(projection) && Object.keys(projection).some((path) => path.endsWith('.$'));
}

/**
 * Applies a find projection, keeping the documents' own field order as mongod does: mingo for
 * inclusion/exclusion (and the positional `$`), the store for `$slice` and `$elemMatch`.
 */
export function projectDocuments(docs: Doc[], projection: Doc | undefined, filterView: Doc = {}, variables?: Variables): Doc[] {
  if (!isPlainObject(projection) || Object.keys(projection).length === 0 || docs.length === 0) return docs;
  const split = splitProjection(projection);
  let projected: Doc[] = docs;
  if (split.base) {
    try {
      projected = find(docs, filterView, toView(split.base) as Doc, { variables }).all();
    } catch (error) {
      throw fromMingo(error);
    }
    projected = projected.map((doc, i) => orderLike(docs[i] as Doc, doc));
  }
  if (split.slices.length === 0 && split.elemMatches.length === 0) return projected;
  return projected.map((doc, i) => applyArrayProjections(docs[i] as Doc, doc, split, compileQuery));
}

/** Reorders the keys of `projected` to follow `source` (new keys keep their place at the end). */
function orderLike(source: Doc, projected: Doc): Doc {
  const out: Doc = {};
  for (const key of Object.keys(source)) {
    if (!(key in projected)) continue;
    const value = projected[key];
    const original = source[key];
    out[key] = isPlainObject(value) && isPlainObject(original) ? orderLike(original, value) : value;
  }
  for (const key of Object.keys(projected)) if (!(key in out)) out[key] = projected[key];
  return out;
}
