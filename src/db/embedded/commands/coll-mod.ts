import type { Doc } from '../bson/values.js';
import { encodeDocument, formatDocument, isPlainObject, numberOf, toLong } from '../bson/values.js';
import { CommandError } from '../errors.js';
import type { Collection } from '../engine/collection.js';
import { ID_INDEX_NAME } from '../engine/collection.js';
import type { SecondaryIndex } from '../engine/secondary-index.js';
import { targetCollection } from './command-args.js';
import type { CommandHandler } from './command-context.js';
import { assertValidator, GENERIC_FIELDS } from './namespaces.js';

const VALIDATION_LEVELS = new Set(['off', 'strict', 'moderate']);
const VALIDATION_ACTIONS = new Set(['error', 'warn']);
/** collMod options of mongod 7.0 that need something the store does not have (views, capped, …). */
const UNSUPPORTED = new Set(['viewOn', 'pipeline', 'expireAfterSeconds', 'timeseries', 'cappedSize', 'cappedMax', 'recordPreImages', 'changeStreamPreAndPostImages', 'dryRun']);

interface IndexChange {
  index: SecondaryIndex;
  expireAfterSeconds?: number;
  hidden?: boolean;
}

function enumValue(allowed: Set<string>, value: unknown, field: string): string {
  if (typeof value !== 'string' || !allowed.has(value)) {
    throw new CommandError('BadValue', `Enumeration value '${String(value)}' for field 'collMod.${field}' is not a valid value.`);
  }
  return value;
}

/** The secondary index a collMod `index` names, by `name` or `keyPattern` (the `_id_` index as undefined). */
function targetIndex(collection: Collection, spec: Doc): SecondaryIndex | undefined {
  if (spec.name !== undefined && spec.keyPattern !== undefined) throw new CommandError('InvalidOptions', 'Cannot specify both key pattern and name.');
  if (spec.name === undefined && spec.keyPattern === undefined) throw new CommandError('InvalidOptions', 'Must specify either index name or key pattern.');
  const byName = typeof spec.name === 'string';
  const wanted = byName ? spec.name : spec.keyPattern;
  const sameKey = (key: unknown): boolean => isPlainObject(wanted) && encodeDocument(key as Doc).equals(encodeDocument(wanted));
  if (byName ? wanted === ID_INDEX_NAME : sameKey({ _id: 1 })) return undefined;
  for (const index of collection.indexes.values()) {
    if (byName ? index.name === wanted : sameKey(index.keyPattern)) return index;
  }
  const shown = isPlainObject(wanted) ? formatDocument(wanted) : String(wanted);
  throw new CommandError('IndexNotFound', `cannot find index ${shown} for ns ${collection.ns}`);
}

/** Reads collMod's `index: {name | keyPattern, expireAfterSeconds?, hidden?}` against mongod 7.0's rules. */
function parseIndexChange(collection: Collection, spec: unknown): IndexChange {
  if (!isPlainObject(spec)) throw new CommandError('TypeMismatch', "BSON field 'collMod.index' is the wrong type, expected type 'object'");
  const index = targetIndex(collection, spec);
  if (spec.expireAfterSeconds === undefined && spec.hidden === undefined && spec.unique === undefined && spec.prepareUnique === undefined) {
    throw new CommandError('InvalidOptions', 'no expireAfterSeconds, hidden, unique, or prepareUnique field');
  }
  if (spec.unique !== undefined || spec.prepareUnique !== undefined) {
    throw new CommandError('CommandNotSupported', 'converting an index to unique is not supported by the embedded store');
  }
  if (!index) {
    if (spec.expireAfterSeconds !== undefined) throw new CommandError('InvalidOptions', 'the _id field does not support TTL indexes');
    throw new CommandError('BadValue', "can't hide _id index");
  }
  const change: IndexChange = { index };
  if (spec.expireAfterSeconds !== undefined) {
    const seconds = numberOf(spec.expireAfterSeconds);
    if (seconds === undefined || !Number.isFinite(seconds)) {
      throw new CommandError('TypeMismatch', "BSON field 'collMod.index.expireAfterSeconds' is the wrong type, expected a number");
    }
    if (seconds < 0) throw new CommandError('InvalidOptions', `TTL index 'expireAfterSeconds' option must be a non-negative number`);
    if (index.expireAfterSeconds === undefined && index.fields.length !== 1) {
      throw new CommandError('InvalidOptions', 'TTL indexes are single-field indexes, compound indexes do not support TTL');
    }
    change.expireAfterSeconds = Math.trunc(seconds);
  }
  if (spec.hidden !== undefined) {
    if (typeof spec.hidden !== 'boolean') throw new CommandError('TypeMismatch', "BSON field 'collMod.index.hidden' is the wrong type, expected type 'bool'");
    change.hidden = spec.hidden;
  }
  return change;
}

/** Applies an index change; returns the reply fields mongod sends for it. */
function applyIndexChange(collection: Collection, change: IndexChange): Doc {
  const reply: Doc = {};
  const { index } = change;
  if (change.expireAfterSeconds !== undefined) {
    if (index.expireAfterSeconds !== undefined) reply.expireAfterSeconds_old = toLong(index.expireAfterSeconds);
    reply.expireAfterSeconds_new = toLong(change.expireAfterSeconds);
  }
  const wasHidden = index.spec.hidden === true;
  if (change.hidden !== undefined && change.hidden !== wasHidden) {
    reply.hidden_old = wasHidden;
    reply.hidden_new = change.hidden;
  } else delete change.hidden;
  collection.updateIndex(index, change);
  return reply;
}

/**
 * collMod on a collection: an index's TTL (`expireAfterSeconds`, also turning a single-field index
 * into a TTL index) or `hidden`, and the validator with its level and action. Everything is checked
 * before anything changes; the changes persist like any write.
 */
const collMod: CommandHandler = (command, context) => {
  const name = targetCollection(command, 'collMod');
  const collection = context.catalog.collection(context.db, name);
  if (!collection) throw new CommandError('NamespaceNotFound', 'ns does not exist');
  let indexChange: IndexChange | undefined;
  const options: Doc = { ...collection.options };
  let optionsChanged = false;
  for (const [field, value] of Object.entries(command).slice(1)) {
    if (GENERIC_FIELDS.has(field)) continue;
    if (field === 'index') indexChange = parseIndexChange(collection, value);
    else if (field === 'validator') assertValidator(value, 'collMod');
    else if (field === 'validationLevel') enumValue(VALIDATION_LEVELS, value, field);
    else if (field === 'validationAction') enumValue(VALIDATION_ACTIONS, value, field);
    else if (UNSUPPORTED.has(field)) throw new CommandError('CommandNotSupported', `collMod '${field}' is not supported by the embedded store`);
    else throw new CommandError('IDLUnknownField', `BSON field 'collMod.${field}' is an unknown field.`);
    if (field !== 'index') {
      options[field] = value;
      optionsChanged = true;
    }
  }
  const reply = indexChange ? applyIndexChange(collection, indexChange) : {};
  if (optionsChanged) collection.setOptions(options);
  reply.ok = 1;
  return reply;
};

export const collModCommands: Record<string, CommandHandler> = { collMod };
