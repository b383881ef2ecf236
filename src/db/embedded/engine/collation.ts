import type { Doc } from '../bson/values.js';
import { isPlainObject, numberOf } from '../bson/values.js';
import { CommandError } from '../errors.js';

/** Maps a value to the form that compares equal under a collation (strings folded, deeply). */
export type Folder = (value: unknown) => unknown;

const foldCase = (text: string): string => text.toLowerCase();
const foldCaseAndAccents = (text: string): string => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

function deepFold(fold: (text: string) => string): Folder {
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return fold(value);
    if (Array.isArray(value)) return value.map(walk);
    if (isPlainObject(value)) {
      const out: Doc = {};
      // Regexes ignore collation in mongod: `$regex`/`$options` operands stay as given.
      for (const [key, item] of Object.entries(value)) out[key] = key === '$regex' || key === '$options' ? item : walk(item);
      return out;
    }
    return value;
  };
  return walk;
}

/**
 * The folder of a `collation` option, or undefined when strings compare by code point: no
 * collation, locale `simple`, or strength 3 and above (case- and accent-sensitive; only the sort
 * order follows the locale there). Strength 2 ignores case, strength 1 also accents.
 */
export function folderOf(collation: unknown): Folder | undefined {
  if (collation === undefined || collation === null) return undefined;
  if (!isPlainObject(collation)) throw new CommandError('TypeMismatch', "BSON field 'collation' is the wrong type, expected type 'object'");
  if (typeof collation.locale !== 'string') throw new CommandError('Location40414', "BSON field 'locale' is missing but a required field");
  if (collation.locale === 'simple') return undefined;
  const strength = numberOf(collation.strength) ?? 3;
  if (strength < 1 || strength > 5) throw new CommandError('BadValue', `unable to parse collation :: caused by :: Field 'strength' must be an integer 1 through 5. Got: ${strength}`);
  if (strength >= 3) return undefined;
  return deepFold(strength === 1 ? foldCaseAndAccents : foldCase);
}

/** The collation options mingo's $sort understands (Intl.Collator), or undefined for code-point order. */
export function sortCollation(collation: unknown): Doc | undefined {
  if (!isPlainObject(collation) || typeof collation.locale !== 'string' || collation.locale === 'simple') return undefined;
  return collation;
}
