import type { Timestamp } from 'bson';
import type { Doc } from '../bson/values.js';
import { bsonTypeOf, formatValue, isPlainObject, typeName } from '../bson/values.js';
import { CommandError } from '../errors.js';
import { assertStageFieldNames } from '../engine/expression-fields.js';
import type { BeforeChangeMode, FullDocumentMode, StreamScope } from './change-event.js';
import type { ClusterTime } from './cluster-clock.js';
import { fromTimestamp } from './cluster-clock.js';
import type { ResumePoint } from './resume-token.js';
import { decodeResumeToken } from './resume-token.js';

/** Where a stream starts: now, after a resume token, or at a cluster time. */
export type StreamStart =
  | { kind: 'now' }
  | { kind: 'after'; point: ResumePoint; option: 'resumeAfter' | 'startAfter' }
  | { kind: 'at'; time: ClusterTime };

export interface ChangeStreamSpec {
  scope: StreamScope;
  fullDocument: FullDocumentMode;
  fullDocumentBeforeChange: BeforeChangeMode;
  start: StreamStart;
  /** The stages after $changeStream, run on each event. */
  stages: Doc[];
}

const OPTIONS = new Set([
  'fullDocument',
  'fullDocumentBeforeChange',
  'resumeAfter',
  'startAfter',
  'startAtOperationTime',
  'allChangesForCluster',
  'showExpandedEvents',
]);
const FULL_DOCUMENT = new Set<string>(['default', 'updateLookup', 'whenAvailable', 'required']);
const BEFORE_CHANGE = new Set<string>(['off', 'whenAvailable', 'required']);
/** The stages mongod lets follow $changeStream: none may drop or reorder events. */
const FOLLOWING_STAGES = new Set(['$match', '$project', '$addFields', '$set', '$unset', '$replaceRoot', '$replaceWith', '$redact']);

/** Whether an aggregate pipeline opens a change stream. */
export function isChangeStream(pipeline: unknown[]): boolean {
  return pipeline.some((stage) => isPlainObject(stage) && '$changeStream' in stage);
}

function oneOf<T extends string>(spec: Doc, field: string, allowed: Set<string>, fallback: T): T {
  const value = spec[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.has(value)) {
    throw new CommandError('BadValue', `${formatValue(value)} is not a valid value for $changeStream.${field}; expected one of ${[...allowed].join(', ')}`);
  }
  return value as T;
}

function startOf(spec: Doc): StreamStart {
  const given = (['resumeAfter', 'startAfter', 'startAtOperationTime'] as const).filter((field) => spec[field] !== undefined);
  if (given.length > 1) throw new CommandError('Location40674', 'Only one type of resume option is allowed, but multiple were found.');
  const option = given[0];
  if (option === undefined) return { kind: 'now' };
  if (option === 'startAtOperationTime') {
    const value = spec.startAtOperationTime;
    if (bsonTypeOf(value) !== 'Timestamp') {
      throw new CommandError('TypeMismatch', `BSON field '$changeStream.startAtOperationTime' is the wrong type '${typeName(value)}', expected type 'timestamp'`);
    }
    return { kind: 'at', time: fromTimestamp(value as Timestamp) };
  }
  const point = decodeResumeToken(spec[option], option);
  if (point.invalidate && option === 'resumeAfter') {
    throw new CommandError('InvalidResumeToken', 'Attempting to resume a change stream using \'resumeAfter\' is not allowed from an invalidate notification.');
  }
  return { kind: 'after', point, option };
}

function scopeOf(target: unknown, db: string, allChangesForCluster: boolean): StreamScope {
  if (allChangesForCluster) {
    if (db !== 'admin' || target !== 1) {
      throw new CommandError('BadValue', "A change stream with 'allChangesForCluster: true' must be opened with {aggregate: 1} on the admin database");
    }
    return {};
  }
  if (db === 'admin' || db === 'local' || db === 'config') {
    throw new CommandError('InvalidNamespace', `$changeStream may not be opened on the internal ${db} database`);
  }
  return typeof target === 'string' ? { db, coll: target } : { db };
}

/** Reads `[{$changeStream: {...}}, ...stages]`, refusing what mongod refuses. */
export function parseChangeStream(target: unknown, db: string, pipeline: unknown[]): ChangeStreamSpec {
  const [first, ...rest] = pipeline;
  const spec = isPlainObject(first) ? first.$changeStream : undefined;
  if (spec === undefined || Object.keys(first as Doc).length !== 1) {
    throw new CommandError('Location40602', '$changeStream is only valid as the first stage in a pipeline.');
  }
  if (!isPlainObject(spec)) {
    throw new CommandError('TypeMismatch', `the $changeStream stage expects an object, not ${typeName(spec)}`);
  }
  for (const field of Object.keys(spec)) {
    if (!OPTIONS.has(field)) throw new CommandError('IDLUnknownField', `BSON field '$changeStream.${field}' is an unknown field.`);
  }
  const stages = rest.map((stage) => {
    const names = isPlainObject(stage) ? Object.keys(stage) : [];
    const name = names[0] as string;
    if (names.length !== 1) throw new CommandError('Location40323', 'A pipeline stage specification object must contain exactly one field.');
    if (name === '$changeStream') throw new CommandError('Location40602', '$changeStream is only valid as the first stage in a pipeline.');
    if (!FOLLOWING_STAGES.has(name)) throw new CommandError('IllegalOperation', `${name} is not permitted in a $changeStream pipeline`);
    assertStageFieldNames(name, (stage as Doc)[name]);
    return stage as Doc;
  });
  return {
    scope: scopeOf(target, db, spec.allChangesForCluster === true),
    fullDocument: oneOf(spec, 'fullDocument', FULL_DOCUMENT, 'default'),
    fullDocumentBeforeChange: oneOf(spec, 'fullDocumentBeforeChange', BEFORE_CHANGE, 'off'),
    start: startOf(spec),
    stages,
  };
}
