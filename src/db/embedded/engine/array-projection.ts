import type { Doc } from '../bson/values.js';
import { getPath, isPlainObject, numberOf, toView } from '../bson/values.js';
import { CommandError } from '../errors.js';
import type { Query } from 'mingo/query';

/** A find projection split into what mingo projects and the array operators applied here. */
export interface SplitProjection {
  /** The plain inclusion/exclusion part, or undefined when it keeps every field. */
  base: Doc | undefined;
  slices: Array<[string, unknown]>;
  elemMatches: Array<[string, Doc]>;
}

function onlyOperator(value: unknown, operator: string): boolean {
  return isPlainObject(value) && Object.keys(value).length === 1 && operator in value;
}

function isInclusion(base: Doc): boolean {
  return Object.entries(base).some(([key, value]) => key !== '_id' && (isPlainObject(value) || (numberOf(value) ?? (value ? 1 : 0)) !== 0));
}

/**
 * mongod's rules: `$slice` alone keeps every other field (and goes with an exclusion or an
 * inclusion alike); `$elemMatch` is an inclusion of its field.
 */
export function splitProjection(projection: Doc): SplitProjection {
  const base: Doc = {};
  const slices: Array<[string, unknown]> = [];
  const elemMatches: Array<[string, Doc]> = [];
  for (const [path, value] of Object.entries(projection)) {
    if (onlyOperator(value, '$slice')) slices.push([path, (value as Doc).$slice]);
    else if (onlyOperator(value, '$elemMatch') && isPlainObject((value as Doc).$elemMatch)) elemMatches.push([path, (value as Doc).$elemMatch as Doc]);
    else base[path] = value;
  }
  const inclusion = isInclusion(base);
  const excluding = Object.keys(base).length > 0 && !inclusion && Object.keys(base).some((key) => key !== '_id');
  if (!excluding) for (const [path] of elemMatches) base[path] = 1;
  if (isInclusion(base)) for (const [path] of slices) base[path] = 1;
  return { base: Object.keys(base).length > 0 ? base : undefined, slices, elemMatches };
}

/** `$slice: n` (first n, or last -n) or `$slice: [skip, limit]` (skip from the end when negative). */
function slice(array: unknown[], spec: unknown): unknown[] {
  if (Array.isArray(spec)) {
    const skip = numberOf(spec[0]) ?? 0;
    const limit = numberOf(spec[1]);
    if (spec.length !== 2 || limit === undefined || limit <= 0) {
      throw new CommandError('Location28724', 'First argument to $slice must be an array, second argument must be a positive number');
    }
    const start = skip < 0 ? Math.max(array.length + skip, 0) : skip;
    return array.slice(start, start + limit);
  }
  const n = numberOf(spec);
  if (n === undefined) throw new CommandError('Location28667', `Invalid $slice syntax: ${JSON.stringify(spec)}`);
  return n >= 0 ? array.slice(0, n) : array.slice(Math.max(array.length + n, 0));
}

/** Sets `path` in `doc`, copying the documents along it so the source is never written. */
function replaceAt(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let container = doc;
  for (const part of parts.slice(0, -1)) {
    const next = container[part];
    if (!isPlainObject(next)) return;
    container = container[part] = { ...next };
  }
  container[parts[parts.length - 1] as string] = value;
}

/** Applies the `$slice` and `$elemMatch` parts to one projected document, reading `source`. */
export function applyArrayProjections(source: Doc, projected: Doc, split: SplitProjection, compile: (view: Doc) => Query): Doc {
  const out = projected === source ? { ...source } : projected;
  for (const [path, spec] of split.slices) {
    const array = getPath(source, path);
    if (Array.isArray(array)) replaceAt(out, path, slice(array, spec));
  }
  for (const [field, condition] of split.elemMatches) {
    const array = source[field];
    const query = compile({ v: { $elemMatch: toView(condition) } });
    const match: unknown = Array.isArray(array) ? (array as unknown[]).find((item) => query.test({ v: [toView(item)] })) : undefined;
    if (match === undefined) delete out[field];
    else out[field] = [match];
  }
  return out;
}
