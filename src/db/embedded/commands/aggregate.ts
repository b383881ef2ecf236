import * as pipelineOperators from 'mingo/operators/pipeline';
import { isEqual } from 'mingo/util';
import type { Doc } from '../bson/values.js';
import { cloneStored, isPlainObject, keyOf, toView, valuesAtPath } from '../bson/values.js';
import { CommandError } from '../errors.js';
import type { Catalog } from '../engine/catalog.js';
import { makeAggregator } from '../engine/mingo-context.js';
import { assertStageFieldNames } from '../engine/expression-fields.js';
import { parseLet } from '../engine/let-variables.js';
import { fromMingo } from '../engine/mingo-errors.js';
import type { QueryScope } from '../engine/query.js';
import { matchRecords } from '../engine/query.js';
import { unaliasKeys } from '../bson/own-keys.js';
import type { StoredRecord } from '../engine/stored-record.js';
import { budgeted } from '../engine/time-budget.js';
import { folderOf, sortCollation } from '../engine/collation.js';
import { withIdFirst } from '../engine/update.js';
import { optionalCount, optionalDocument, requiredArray, targetCollection } from './command-args.js';
import type { CommandContext, CommandHandler } from './command-context.js';
import { firstBatchReply } from './cursor-reply.js';
import { isChangeStream } from '../changes/change-stream-spec.js';
import { openChangeStream } from './change-stream.js';

const KNOWN_STAGES = new Set([...Object.keys(pipelineOperators), '$out']);
/** Stages mingo knows but that cannot work here: $merge would write into a copy, not the store. */
const UNSUPPORTED_STAGES = new Set(['$merge']);

function parsePipeline(command: Doc): Doc[] {
  const pipeline = requiredArray(command, 'pipeline', 'aggregate');
  pipeline.forEach((stage, i) => {
    const names = isPlainObject(stage) ? Object.keys(stage) : [];
    if (names.length !== 1) {
      throw new CommandError('Location40323', 'A pipeline stage specification object must contain exactly one field.');
    }
    const name = names[0] as string;
    if (UNSUPPORTED_STAGES.has(name)) throw new CommandError('CommandNotSupported', `${name} is not supported by the embedded store`);
    if (!KNOWN_STAGES.has(name)) throw new CommandError('Location40324', `Unrecognized pipeline stage name: '${name}'`);
    assertStageFieldNames(name, (stage as Doc)[name]);
    if (name === '$out' && i !== pipeline.length - 1) {
      throw new CommandError('Location40601', '$out can only be the final stage in the pipeline');
    }
  });
  return pipeline as Doc[];
}

/**
 * Stages mingo runs without changing its input documents or anything reachable from them.
 * (`$addFields`/`$set` write into shared sub-documents, `$unwind` edits documents in place.)
 */
const READ_ONLY_STAGES = new Set([
  '$match',
  '$sort',
  '$skip',
  '$limit',
  '$count',
  '$group',
  '$sortByCount',
  '$project',
  '$bucket',
  '$bucketAuto',
  '$sample',
  '$lookup',
]);

/** Whether every stage (and every $facet branch) leaves its input untouched. */
export function isReadOnlyPipeline(stages: Doc[]): boolean {
  return stages.every((stage) => {
    const [name, spec] = Object.entries(stage)[0] ?? [];
    if (name === '$facet' && isPlainObject(spec)) {
      return Object.values(spec).every((branch) => Array.isArray(branch) && isReadOnlyPipeline(branch as Doc[]));
    }
    if (name === '$lookup' && isPlainObject(spec) && Array.isArray(spec.pipeline)) {
      return isReadOnlyPipeline(spec.pipeline as Doc[]);
    }
    return name !== undefined && READ_ONLY_STAGES.has(name);
  });
}

/**
 * Runs a pipeline with mingo over the query views. A leading $match is answered first, through an
 * index when one applies. Pipelines with a stage that edits documents in place get copies, so the
 * stored data is never touched. Documents that come out unchanged are swapped back for their
 * stored form so that their BSON types survive.
 */
export function runPipeline(
  catalog: Catalog,
  db: string,
  collectionName: string | undefined,
  pipeline: Doc[],
  scope: QueryScope = {},
): Doc[] {
  const collection = collectionName === undefined ? undefined : catalog.collection(db, collectionName);
  let stages = pipeline;
  let records: StoredRecord[];
  const first = pipeline[0];
  if (first && isPlainObject(first.$match)) {
    records = matchRecords(collection, first.$match, Infinity, scope);
    stages = pipeline.slice(1);
  } else {
    records = collection?.all() ?? [];
  }
  const readOnly = isReadOnlyPipeline(stages);
  const prepare = readOnly ? (view: Doc): Doc => view : (view: Doc): Doc => cloneStored(view);
  const origins = new Map<Doc, StoredRecord>();
  const input = records.map((record) => {
    const view = prepare(record.view);
    origins.set(view, record);
    return view;
  });
  const resolve = (name: string): Doc[] => (catalog.collection(db, name)?.all() ?? []).map((record) => prepare(record.view));
  let output: Doc[];
  try {
    const options = { collectionResolver: resolve, collation: sortCollation(scope.collation), variables: scope.variables };
    output = stages.length === 0 ? input : makeAggregator(toView(stages) as Doc[], options).run<Doc>(budgeted(input));
  } catch (error) {
    throw fromMingo(error);
  }
  return output.map((doc) => {
    const origin = origins.get(doc);
    if (!origin) return unaliasKeys(doc, isPlainObject) as Doc;
    return readOnly || isEqual(doc, origin.view) ? origin.doc : doc;
  });
}

/** `$out: "name"` or `$out: {db, coll}`: replaces the target collection's documents, keeping its indexes. */
function writeOut(context: CommandContext, target: unknown, docs: Doc[]): void {
  const db = isPlainObject(target) && typeof target.db === 'string' ? target.db : context.db;
  const name = isPlainObject(target) ? target.coll : target;
  if (typeof name !== 'string') throw new CommandError('FailedToParse', '$out target must be a collection name');
  const { collection } = context.catalog.ensureCollection(db, name);
  for (const record of collection.all()) collection.remove(record);
  for (const doc of docs) collection.insert(withIdFirst(cloneStored(doc)));
}

const aggregate: CommandHandler = (command, context) => {
  const target = command.aggregate;
  const collectionName = typeof target === 'string' ? target : undefined;
  if (collectionName === undefined && target !== 1) {
    throw new CommandError('FailedToParse', "Invalid collection name for 'aggregate': must be a string or 1");
  }
  const raw = requiredArray(command, 'pipeline', 'aggregate');
  if (isChangeStream(raw)) return openChangeStream(command, raw, context);
  const pipeline = parsePipeline(command);
  if (command.explain !== undefined) throw new CommandError('CommandNotSupported', 'explain is not supported by the embedded store');
  const cursor = optionalDocument(command, 'cursor');
  if (!cursor) {
    throw new CommandError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  }
  const last = pipeline[pipeline.length - 1];
  const out = last && '$out' in last ? last.$out : undefined;
  const docs = runPipeline(context.catalog, context.db, collectionName, out === undefined ? pipeline : pipeline.slice(0, -1), {
    collation: command.collation,
    variables: parseLet(optionalDocument(command, 'let')),
  });
  const ns = `${context.db}.${collectionName ?? '$cmd.aggregate'}`;
  if (out !== undefined) {
    writeOut(context, out, docs);
    return firstBatchReply(context, ns, []);
  }
  return firstBatchReply(context, ns, docs, { batchSize: optionalCount(cursor, 'batchSize') });
};

const count: CommandHandler = (command, context) => {
  const name = targetCollection(command, 'count');
  const collection = context.catalog.collection(context.db, name);
  const query = optionalDocument(command, 'query') ?? {};
  let n = Object.keys(query).length === 0 ? (collection?.records.size ?? 0) : matchRecords(collection, query, Infinity, { collation: command.collation }).length;
  const skip = optionalCount(command, 'skip') ?? 0;
  const limit = Math.abs(Number(command.limit ?? 0)) || Infinity;
  n = Math.min(Math.max(n - skip, 0), limit);
  return { n, ok: 1 };
};

const distinct: CommandHandler = (command, context) => {
  const name = targetCollection(command, 'distinct');
  const key = command.key;
  if (typeof key !== 'string') throw new CommandError('FailedToParse', "BSON field 'distinct.key' is missing but a required field");
  const records = matchRecords(context.catalog.collection(context.db, name), optionalDocument(command, 'query') ?? {}, Infinity, {
    collation: command.collation,
  });
  const fold = folderOf(command.collation) ?? ((value: unknown) => value);
  const values = new Map<string, unknown>();
  for (const record of records) {
    for (const value of valuesAtPath(record.doc, key)) {
      if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
      const valueKey = keyOf(fold(value));
      if (!values.has(valueKey)) values.set(valueKey, value);
    }
  }
  return { values: [...values.values()], ok: 1 };
};

export const aggregateCommands: Record<string, CommandHandler> = { aggregate, count, distinct };
