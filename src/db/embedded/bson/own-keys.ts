import type { Doc } from './values.js';

/**
 * `__proto__` is an ordinary field name in MongoDB. In JavaScript, assigning or reading it on an
 * object reaches the prototype instead (reading `{}['__proto__']` gives Object.prototype, and
 * writing through it pollutes every object), so the store reads and writes fields as own
 * properties. mingo refuses `__proto__` in paths, so query views and the paths given to mingo
 * carry it under an alias that no BSON field name can be (field names cannot hold a NUL byte).
 */
const PROTO = '__proto__';
const PROTO_ALIAS = '\u0000proto';
const PROTO_SEGMENT = /(^|\.)__proto__(?=\.|$)/g;
// eslint-disable-next-line no-control-regex -- the alias holds a NUL on purpose (no BSON field name can)
const ALIAS_SEGMENT = /(^|\.)\u0000proto(?=\.|$)/g;

let aliasesInUse = false;

/** Whether any view or path so far needed the alias (until then nothing needs translating back). */
export function protoAliasesInUse(): boolean {
  return aliasesInUse;
}

/** Sets an own property, also when the key is `__proto__`. */
export function setOwn(target: Doc, key: string, value: unknown): void {
  if (key === PROTO) Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/** Reads an own property only (never the prototype's). */
export function getOwn(target: Doc, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
}

/** A field name or dotted path with every `__proto__` segment replaced by its alias. */
export function aliasPath(path: string): string {
  if (!path.includes(PROTO)) return path;
  const aliased = path.replace(PROTO_SEGMENT, `$1${PROTO_ALIAS}`);
  if (aliased !== path) aliasesInUse = true;
  return aliased;
}

function unaliasPath(path: string): string {
  return path.includes(PROTO_ALIAS) ? path.replace(ALIAS_SEGMENT, `$1${PROTO}`) : path;
}

/** Renames keys through `rename` in a plain object tree, copying only what changes. */
function renameKeys(value: unknown, rename: (key: string) => string, isPlain: (value: unknown) => value is Doc): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const renamed = renameKeys(item, rename, isPlain);
      if (renamed !== item && !copy) copy = value.slice();
      if (copy) copy[i] = renamed;
    });
    return copy ?? value;
  }
  if (!isPlain(value)) return value;
  const keys = Object.keys(value);
  let copy: Doc | undefined;
  keys.forEach((key, i) => {
    const item = value[key];
    const renamed = renameKeys(item, rename, isPlain);
    const name = rename(key);
    if ((renamed !== item || name !== key) && !copy) {
      copy = {};
      for (const earlier of keys.slice(0, i)) setOwn(copy, earlier, value[earlier]);
    }
    if (copy) setOwn(copy, name, renamed);
  });
  return copy ?? value;
}

/** A document with its `__proto__` fields (at any depth, also in dotted keys) under the alias. */
export function aliasKeys(value: unknown, isPlain: (value: unknown) => value is Doc): unknown {
  return renameKeys(value, aliasPath, isPlain);
}

/** The reverse of {@link aliasKeys}, for documents leaving mingo. */
export function unaliasKeys(value: unknown, isPlain: (value: unknown) => value is Doc): unknown {
  return aliasesInUse ? renameKeys(value, unaliasPath, isPlain) : value;
}
