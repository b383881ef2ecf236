import { Query } from 'mingo/query';
import type { Doc } from '../bson/values.js';
import { formatValue, getPath, isPlainObject, typeName } from '../bson/values.js';
import { CommandError } from '../errors.js';
import { MINGO_CONTEXT } from './mingo-context.js';
import { setPath } from './set-path.js';

/** Operators that create the path they write to (others are no-ops on a missing path). */
const CREATING_OPERATORS = new Set(['$set', '$setOnInsert', '$inc', '$mul', '$min', '$max', '$push', '$addToSet', '$currentDate']);

/**
 * The index the positional `$` stands for under the array at `arrayPath`: the first element that
 * satisfies every filter condition on that array, as mongod records it while matching.
 */
function positionalIndex(doc: Doc, arrayPath: string, filterView: Doc): number {
  const array = getPath(doc, arrayPath);
  const conditions = Object.entries(filterView).filter(([key]) => key === arrayPath || key.startsWith(`${arrayPath}.`));
  if (Array.isArray(array) && conditions.length > 0) {
    const query = new Query(Object.fromEntries(conditions), { context: MINGO_CONTEXT });
    for (let i = 0; i < array.length; i++) {
      const probe: Doc = {};
      setPath(probe, arrayPath, [array[i]]);
      if (query.test(probe)) return i;
    }
  }
  throw new CommandError('BadValue', 'The positional operator did not find the match needed from the query.');
}

/**
 * Replaces the positional `$` in every path by the index it stands for, computed once on the
 * document before the update (as mongod does), so later steps cannot see a different match.
 */
export function resolvePositional(doc: Doc, modifier: Record<string, Doc>, filterView: Doc): Record<string, Doc> {
  const indexes = new Map<string, number>();
  const out: Record<string, Doc> = {};
  for (const [operator, fields] of Object.entries(modifier)) {
    const resolved: Doc = {};
    for (const [path, value] of Object.entries(fields)) {
      const parts = path.split('.');
      const at = parts.indexOf('$');
      if (at <= 0) {
        resolved[path] = value;
        continue;
      }
      const arrayPath = parts.slice(0, at).join('.');
      let index = indexes.get(arrayPath);
      if (index === undefined) {
        index = positionalIndex(doc, arrayPath, filterView);
        indexes.set(arrayPath, index);
      }
      parts[at] = String(index);
      resolved[parts.join('.')] = value;
    }
    out[operator] = resolved;
  }
  return out;
}

/** The part of a path before its first `$[…]` (mingo refuses two writes below one such root). */
function rootOf(path: string): string {
  const at = path.search(/(^|\.)\$/);
  return at === -1 ? path : path.slice(0, at);
}

/**
 * Splits an update into steps mingo accepts: no two paths of a step below the same array root.
 * Paths were already checked for real conflicts, so applying the steps in order gives mongod's
 * result.
 */
export function updateSteps(modifier: Record<string, Doc>): Array<Record<string, Doc>> {
  const steps: Array<{ roots: string[]; modifier: Record<string, Doc> }> = [];
  for (const [operator, fields] of Object.entries(modifier)) {
    for (const [path, value] of Object.entries(fields)) {
      const root = rootOf(path);
      const clash = (other: string): boolean => other === root || other.startsWith(`${root}.`) || root.startsWith(`${other}.`);
      let step = steps.find((candidate) => !candidate.roots.some(clash));
      if (!step) {
        step = { roots: [], modifier: {} };
        steps.push(step);
      }
      step.roots.push(root);
      step.modifier[operator] = { ...(step.modifier[operator] ?? {}), [path]: value };
    }
  }
  return steps.map((step) => step.modifier);
}

/**
 * Refuses, as mongod does, writes mingo would silently skip: creating a field inside an array of
 * documents or a scalar (`$set: {'arr.x': 1}`), and `$push`/`$addToSet` on a non-array.
 */
export function assertWritable(doc: Doc, operator: string, path: string): void {
  if ((operator === '$pull' || operator === '$pop') && !path.includes('$')) return assertArrayToShrink(doc, operator, path);
  if (!CREATING_OPERATORS.has(operator) || path.includes('$')) return;
  const parts = path.split('.');
  let value: unknown = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const next: unknown = Array.isArray(value) ? (/^\d+$/.test(part) ? value[Number(part)] : undefined) : (value as Doc)[part];
    if (next === undefined || next === null) return;
    const child = parts[i + 1] as string;
    if ((Array.isArray(next) && !/^\d+$/.test(child)) || (!Array.isArray(next) && !isPlainObject(next))) {
      throw new CommandError('PathNotViable', `Cannot create field '${child}' in element {${part}: ${formatValue(next)}}`);
    }
    value = next;
  }
  if (operator !== '$push' && operator !== '$addToSet') return;
  const current = getPath(doc, path);
  if (current === undefined || Array.isArray(current)) return;
  const field = parts[parts.length - 1] as string;
  if (operator === '$push') {
    throw new CommandError(
      'BadValue',
      `The field '${field}' must be an array but is of type ${typeName(current)} in document {_id: ${formatValue(doc._id)}}`,
    );
  }
  throw new CommandError('BadValue', `Cannot apply $addToSet to non-array field. Field named '${field}' has non-array type ${typeName(current)}`);
}

/** `$pull`/`$pop` of a field that holds something else than an array fail in mongod (a missing one is a no-op). */
function assertArrayToShrink(doc: Doc, operator: string, path: string): void {
  const current = getPath(doc, path);
  if (current === undefined || Array.isArray(current)) return;
  if (operator === '$pull') throw new CommandError('BadValue', 'Cannot apply $pull to a non-array value');
  throw new CommandError('TypeMismatch', `Path '${path}' contains an element of non-array type '${typeName(current)}'`);
}
