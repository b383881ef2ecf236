import type { Doc } from '../bson/values.js';
import { isPlainObject, keyOf } from '../bson/values.js';

/** The separator between the per-field parts of a compound index key. */
export const KEY_SEPARATOR = '|';

/** Cartesian product of per-field value lists, capped so a pathological document cannot explode. */
export function product<T>(lists: T[][], cap = 10_000): T[][] {
  let combos: T[][] = [[]];
  for (const list of lists) {
    const next: T[][] = [];
    for (const combo of combos) {
      for (const item of list) {
        next.push([...combo, item]);
        if (next.length >= cap) break;
      }
    }
    combos = next;
  }
  return combos;
}

/**
 * The index keys an equality condition on one field can only match, or undefined when the
 * condition is not a plain equality ($eq, $in or a literal) the index can answer.
 */
export function equalityKeys(condition: unknown): string[] | undefined {
  if (condition instanceof RegExp || Array.isArray(condition)) return undefined;
  if (isPlainObject(condition)) {
    const keys = Object.keys(condition);
    const operators = keys.filter((key) => key.startsWith('$'));
    if (operators.length === 0) return [keyOf(condition)];
    if (operators.length !== keys.length || keys.length !== 1) return undefined;
    if (keys[0] === '$eq') return literalKey(condition.$eq);
    if (keys[0] === '$in' && Array.isArray(condition.$in)) {
      const out: string[] = [];
      for (const item of condition.$in) {
        const key = literalKey(item);
        if (!key) return undefined;
        out.push(...key);
      }
      return out;
    }
    return undefined;
  }
  return [keyOf(condition)];
}

function literalKey(value: unknown): string[] | undefined {
  if (value instanceof RegExp || Array.isArray(value)) return undefined;
  return [keyOf(value)];
}

/** Key pattern fields in order, e.g. `{ a: 1, 'b.c': -1 }` → `['a', 'b.c']`. */
export function keyFields(keyPattern: Doc): string[] {
  return Object.keys(keyPattern);
}
