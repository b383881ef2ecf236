import type { Doc } from '../bson/values.js';
import { isPlainObject, keyOf } from '../bson/values.js';
import type { UpdateSpec } from '../engine/update.js';

/** Operators whose change to an array mongod reports element by element (`tags.3`). */
const ARRAY_OPERATORS = new Set(['$push', '$addToSet', '$pop', '$pull', '$pullAll']);

interface Touched {
  /** Paths the update's operators name, split into components; undefined for a pipeline update. */
  paths: string[][] | undefined;
  /** Paths an array operator names. */
  arrayPaths: Set<string>;
}

function touchedBy(update: UpdateSpec): Touched {
  if (Array.isArray(update)) return { paths: undefined, arrayPaths: new Set() };
  const paths: string[][] = [];
  const arrayPaths = new Set<string>();
  for (const [operator, fields] of Object.entries(update)) {
    if (!isPlainObject(fields)) continue;
    for (const [path, target] of Object.entries(fields)) {
      paths.push(path.split('.'));
      if (operator === '$rename' && typeof target === 'string') paths.push(target.split('.'));
      if (ARRAY_OPERATORS.has(operator)) arrayPaths.add(path);
    }
  }
  return { paths, arrayPaths };
}

/** A path component an operator path matches: the same name, or a positional one for an array index. */
function componentMatches(pattern: string, component: string): boolean {
  return pattern === component || (/^\d+$/.test(component) && (pattern === '$' || pattern.startsWith('$[')));
}

/** Whether an operator named a path below `path` (so its change is reported field by field). */
function reachesBelow(touched: Touched, path: string[]): boolean {
  if (!touched.paths) return true;
  return touched.paths.some((p) => p.length > path.length && path.every((component, i) => componentMatches(p[i] as string, component)));
}

function same(a: unknown, b: unknown): boolean {
  return a === b || keyOf(a) === keyOf(b);
}

interface Description {
  updatedFields: Doc;
  removedFields: string[];
  truncatedArrays: Array<{ field: string; newSize: number }>;
}

function diffDocuments(before: Doc, after: Doc, path: string[], touched: Touched, out: Description): void {
  for (const key of Object.keys(before)) {
    if (!Object.hasOwn(after, key)) out.removedFields.push([...path, key].join('.'));
  }
  for (const key of Object.keys(after)) {
    const at = [...path, key];
    if (!Object.hasOwn(before, key)) out.updatedFields[at.join('.')] = after[key];
    else diffValues(before[key], after[key], at, touched, out);
  }
}

function diffValues(before: unknown, after: unknown, path: string[], touched: Touched, out: Description): void {
  if (same(before, after)) return;
  const dotted = path.join('.');
  if (isPlainObject(before) && isPlainObject(after) && reachesBelow(touched, path)) {
    diffDocuments(before, after, path, touched, out);
  } else if (Array.isArray(before) && Array.isArray(after) && (touched.arrayPaths.has(dotted) || reachesBelow(touched, path))) {
    if (after.length < before.length) out.truncatedArrays.push({ field: dotted, newSize: after.length });
    after.forEach((item, i) => {
      const at = [...path, String(i)];
      if (i >= before.length) out.updatedFields[at.join('.')] = item;
      else diffValues(before[i], item, at, touched, out);
    });
  } else {
    out.updatedFields[dotted] = after;
  }
}

/**
 * The updateDescription of an update event, as mongod reports it: the fields the update set
 * (by their dotted paths, as its operators named them; a pipeline update field by field), the
 * fields it removed, and the arrays it shortened.
 */
export function describeUpdate(before: Doc, after: Doc, update: UpdateSpec): Doc {
  const out: Description = { updatedFields: {}, removedFields: [], truncatedArrays: [] };
  diffDocuments(before, after, [], touchedBy(update), out);
  return { ...out };
}
