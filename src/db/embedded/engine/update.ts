import { ObjectId } from 'bson';
import { updateOne } from 'mingo/updater';
import type { Doc } from '../bson/values.js';
import {
  cloneStored,
  encodeDocument,
  formatValue,
  getPath,
  isPlainObject,
  keyOf,
  toView,
  typeName,
} from '../bson/values.js';
import { aliasKeys, aliasPath, protoAliasesInUse, unaliasKeys } from '../bson/own-keys.js';
import { CommandError } from '../errors.js';
import { assertStageFieldNames } from './expression-fields.js';
import type { Variables } from './let-variables.js';
import { makeAggregator, MINGO_CONTEXT } from './mingo-context.js';
import { fromMingo } from './mingo-errors.js';
import { compileQuery } from './query.js';
import { applyNumeric, NUMERIC_OPERATORS, type NumericOperator } from './numeric-update.js';
import { setPath } from './set-path.js';
import { assertWritable, resolvePositional, updateSteps } from './update-paths.js';

/** Update operators mingo applies, plus $setOnInsert which this module handles. */
const UPDATE_OPERATORS = new Set([
  '$addToSet',
  '$bit',
  '$currentDate',
  '$inc',
  '$max',
  '$min',
  '$mul',
  '$pop',
  '$pull',
  '$pullAll',
  '$push',
  '$rename',
  '$set',
  '$setOnInsert',
  '$unset',
]);

const PIPELINE_UPDATE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

export type UpdateSpec = Doc | Doc[];

export interface UpdateOptions {
  /** The query view of the filter, needed by the positional `$` operator. */
  filterView: Doc;
  arrayFilters?: Doc[] | undefined;
  /** True while building an upserted document: $setOnInsert applies. */
  inserting: boolean;
  /** The command's `let` variables, which pipeline updates may read. */
  variables?: Variables | undefined;
}

export interface UpdateOutcome {
  doc: Doc;
  modified: boolean;
  /** `doc` encoded, when finding out whether it changed took its encoding already. */
  bytes?: Buffer;
}

export function isReplacement(update: UpdateSpec): update is Doc {
  return !Array.isArray(update) && !Object.keys(update).some((key) => key.startsWith('$'));
}

/** Rejects malformed update documents with mongod's codes before anything is touched. */
export function validateUpdate(update: unknown): asserts update is UpdateSpec {
  if (Array.isArray(update)) {
    for (const stage of update) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
      if (!name || !PIPELINE_UPDATE_STAGES.has(name)) {
        throw new CommandError('InvalidOptions', `${String(name)} is not allowed to be used within an update`);
      }
      assertStageFieldNames(name, (stage as Doc)[name]);
    }
    return;
  }
  if (!isPlainObject(update)) {
    throw new CommandError('FailedToParse', 'Update argument must be either an object or an array');
  }
  if (isReplacement(update)) return;
  for (const [operator, fields] of Object.entries(update)) {
    if (!UPDATE_OPERATORS.has(operator)) {
      throw new CommandError(
        'FailedToParse',
        `Unknown modifier: ${operator}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!isPlainObject(fields)) {
      throw new CommandError(
        'FailedToParse',
        `Modifiers operate on fields but we found type ${typeName(fields)} instead. For example: {$mod: {<field>: ...}} not {${operator}: ${formatValue(fields)}}`,
      );
    }
  }
  assertNoConflicts(update);
}

/** Two operators touching the same path, or a path and its parent, is an error in mongod. */
function assertNoConflicts(update: Doc): void {
  const seen: string[] = [];
  for (const [operator, fields] of Object.entries(update) as Array<[string, Doc]>) {
    const paths = Object.keys(fields);
    if (operator === '$rename') paths.push(...Object.values(fields).filter((target): target is string => typeof target === 'string'));
    for (const path of paths) {
      const clash = seen.find((other) => other === path || path.startsWith(`${other}.`) || other.startsWith(`${path}.`));
      if (clash !== undefined) {
        throw new CommandError('ConflictingUpdateOperators', `Updating the path '${path}' would create a conflict at '${clash}'`);
      }
      seen.push(path);
    }
  }
}

/** Applies an update (operators, replacement or pipeline) to a copy of the stored document. */
export function applyUpdate(original: Doc, update: UpdateSpec, options: UpdateOptions): UpdateOutcome {
  let doc: Doc;
  if (Array.isArray(update)) doc = keepId(original, applyPipeline(original, update, options.variables));
  else if (isReplacement(update)) doc = replaceDocument(original, update);
  else doc = applyOperators(original, update, options);
  if (!options.inserting && keyOf(doc._id) !== keyOf(original._id)) {
    throw new CommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  if (options.inserting) return { doc: withIdFirst(doc), modified: true };
  const bytes = encodeDocument(doc);
  const modified = !encodeDocument(original).equals(bytes);
  const stored = withIdFirst(doc);
  // The new version's encoding is what the collection stores: handed on, unless `_id` moved.
  return stored === doc ? { doc, modified, bytes } : { doc: stored, modified };
}

/**
 * The document an upsert starts from: the equality conditions of the filter (top level and under
 * $and), as mongod builds it before applying the update.
 */
export function upsertSeed(filter: Doc): Doc {
  const seed: Doc = {};
  collectEqualities(filter, seed);
  return seed;
}

/** Puts `_id` first, generating an ObjectId when the document has none (as mongod does on insert). */
export function withIdFirst(doc: Doc): Doc {
  if (Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id: _id === undefined ? new ObjectId() : _id, ...rest };
}

function collectEqualities(filter: Doc, seed: Doc): void {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(condition)) {
      for (const part of condition) if (isPlainObject(part)) collectEqualities(part, seed);
      continue;
    }
    if (key.startsWith('$') || condition instanceof RegExp) continue;
    if (isPlainObject(condition) && Object.keys(condition).some((name) => name.startsWith('$'))) {
      const keys = Object.keys(condition);
      if (keys.length === 1 && keys[0] === '$eq') setPath(seed, key, cloneStored(condition.$eq));
      continue;
    }
    setPath(seed, key, cloneStored(condition));
  }
}

function replaceDocument(original: Doc, replacement: Doc): Doc {
  if ('_id' in replacement && original._id !== undefined && keyOf(replacement._id) !== keyOf(original._id)) {
    throw new CommandError(
      'ImmutableField',
      `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(replacement._id)}`,
    );
  }
  const { _id, ...rest } = cloneStored(replacement);
  const id = original._id ?? _id;
  return id === undefined ? rest : { _id: id, ...rest };
}

/** A pipeline whose `$replaceRoot`/`$replaceWith`/`$project` drops `_id` keeps it, as in mongod. */
function keepId(original: Doc, doc: Doc): Doc {
  return doc._id === undefined && original._id !== undefined ? { _id: original._id, ...doc } : doc;
}

/**
 * Runs a pipeline update as an aggregation over the one document (mingo's updater would trip on
 * the dotted or `$`-prefixed field names `$setField` may write, which mongod stores as they are).
 * Pipelines run on the query view, so wrapped numbers come back as plain numbers.
 */
function applyPipeline(original: Doc, pipeline: Doc[], variables: Variables | undefined): Doc {
  try {
    const [doc] = makeAggregator(toView(pipeline) as Doc[], { variables }).run<Doc>([cloneStored(toView(original) as Doc)]);
    return unaliasKeys(doc, isPlainObject) as Doc;
  } catch (error) {
    throw fromMingo(error);
  }
}

/**
 * Applies update operators. Fields named `__proto__` (in the document or the paths) are renamed to
 * their alias for the duration, since mingo refuses them, and renamed back at the end.
 */
function applyOperators(original: Doc, given: Doc, options: UpdateOptions): Doc {
  const update = aliasModifier(given);
  if (!protoAliasesInUse()) return applyAliasedOperators(cloneStored(original), update, options);
  const doc = applyAliasedOperators(cloneStored(aliasKeys(original, isPlainObject) as Doc), update, options);
  return unaliasKeys(doc, isPlainObject) as Doc;
}

/** `{$set: {'__proto__.a': 1}}` with the alias in its paths (and in the documents it sets). */
function aliasModifier(update: Doc): Doc {
  const out: Doc = {};
  for (const [operator, fields] of Object.entries(update) as Array<[string, Doc]>) {
    const aliased: Doc = {};
    for (const [path, value] of Object.entries(fields)) {
      const target = operator === '$rename' && typeof value === 'string' ? aliasPath(value) : aliasKeys(value, isPlainObject);
      aliased[aliasPath(path)] = target;
    }
    out[operator] = aliased;
  }
  return out;
}

function applyAliasedOperators(doc: Doc, update: Doc, options: UpdateOptions): Doc {
  let modifier: Record<string, Doc> = {};
  for (const [operator, given] of Object.entries(update) as Array<[string, Doc]>) {
    const fields = options.inserting ? withInsertedId(doc, operator, given) : withoutIdNoOps(operator, given, doc._id);
    if (operator === '$setOnInsert') {
      if (options.inserting) modifier.$set = { ...(modifier.$set ?? {}), ...fields };
      continue;
    }
    for (const path of Object.keys(fields)) assertWritable(doc, operator, path);
    let remaining = operator in NUMERIC_OPERATORS ? applyNumeric(doc, operator as NumericOperator, fields) : fields;
    if (operator === '$pull') remaining = applyDocumentPulls(doc, remaining);
    if (Object.keys(remaining).length > 0) {
      modifier[operator] = operator === '$set' ? { ...(modifier.$set ?? {}), ...remaining } : remaining;
    }
  }
  if (Object.keys(modifier).length === 0) return doc;
  modifier = resolvePositional(doc, modifier, options.filterView);
  const docs = [doc];
  for (const step of updateSteps(modifier)) {
    if (setDirectly(doc, step)) continue;
    try {
      updateOne(docs, {}, step as never, {
        arrayFilters: options.arrayFilters?.map((filter) => toView(filter) as Doc),
        cloneMode: 'deep',
      }, { context: MINGO_CONTEXT });
    } catch (error) {
      const message = (error as Error).message;
      if (!(error instanceof CommandError) && /would create a conflict/i.test(message)) {
        throw new CommandError('ConflictingUpdateOperators', message.charAt(0).toUpperCase() + message.slice(1));
      }
      throw fromMingo(error);
    }
  }
  return docs[0] as Doc;
}

/**
 * Applies a step that is only `$set` of plain field paths through sub-documents (or missing
 * fields) by assignment, as mingo would; false, changing nothing, for anything else. mingo's
 * updateOne builds its operator context on every call, which costs far more than the assignment
 * — and such `$set`s are the common write (the lease renewal sets one field on every account).
 */
function setDirectly(doc: Doc, step: Record<string, Doc>): boolean {
  const fields = step.$set;
  if (fields === undefined || Object.keys(step).length !== 1) return false;
  const paths = Object.keys(fields).map((path) => path.split('.'));
  for (const parts of paths) {
    if (parts[0] === '_id' || parts.some((part) => part === '' || part.startsWith('$') || /^\d+$/.test(part))) return false;
    let value: unknown = doc;
    for (const part of parts.slice(0, -1)) {
      value = (value as Doc)[part];
      if (value === undefined) break;
      if (!isPlainObject(value)) return false;
    }
  }
  for (const [path, value] of Object.entries(fields)) {
    const parts = path.split('.');
    const field = parts.pop() as string;
    let parent = doc;
    for (const part of parts) parent = (parent[part] ??= {}) as Doc;
    parent[field] = cloneStored(value);
  }
  return true;
}

/**
 * While an upsert builds its document, `$set`/`$setOnInsert` of `_id` may give the `_id` (or
 * repeat the filter's); any other value than the filter's is a change of an immutable field.
 */
function withInsertedId(doc: Doc, operator: string, fields: Doc): Doc {
  if (!('_id' in fields) || (operator !== '$set' && operator !== '$setOnInsert')) return fields;
  const { _id: id, ...rest } = fields;
  if (doc._id === undefined) doc._id = cloneStored(id);
  else if (keyOf(doc._id) !== keyOf(id)) {
    throw new CommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  return rest;
}

const LOGICAL_OPERATORS = new Set(['$and', '$or', '$nor']);

/**
 * `$pull: {arr: {$or: [...]}}` (what mongoose sends for subdocuments without `_id`) is a query on
 * each element; mingo takes `$or` there for a condition on a scalar and removes nothing, so such
 * pulls on plain paths are applied here. Returns the pulls left for mingo.
 */
function applyDocumentPulls(doc: Doc, fields: Doc): Doc {
  const remaining: Doc = {};
  for (const [path, spec] of Object.entries(fields)) {
    const keys = isPlainObject(spec) ? Object.keys(spec) : [];
    const documentQuery = keys.some((key) => LOGICAL_OPERATORS.has(key)) && keys.every((key) => !key.startsWith('$') || LOGICAL_OPERATORS.has(key));
    if (!documentQuery || path.includes('$')) {
      remaining[path] = spec;
      continue;
    }
    const array = getPath(doc, path);
    if (!Array.isArray(array)) continue;
    const query = compileQuery(toView(spec) as Doc);
    const kept = array.filter((item) => !(isPlainObject(item) && query.test(toView(item) as Doc)));
    if (kept.length !== array.length) setPath(doc, path, kept);
  }
  return remaining;
}

/**
 * Drops `$set: {_id: <same value>}` (mongod accepts it as a no-op) and refuses any other change
 * to `_id` once the document exists.
 */
function withoutIdNoOps(operator: string, fields: Doc, id: unknown): Doc {
  const paths = Object.keys(fields).filter((path) => path === '_id' || path.startsWith('_id.'));
  if (paths.length === 0 || operator === '$setOnInsert') return fields;
  const kept = { ...fields };
  for (const path of paths) {
    if (operator === '$set' && path === '_id' && keyOf(fields[path]) === keyOf(id)) delete kept[path];
    else throw new CommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  return kept;
}
