import { type Binary, calculateObjectSize, type DBRef, type Decimal128, type Double, Long, type ObjectId, serialize, serializeWithBufferAndIndex } from 'bson';
import { BinaryView, DBRefView } from './view-classes.js';
import { aliasPath, getOwn, setOwn } from './own-keys.js';

/** A BSON document as held in memory. */
export type Doc = Record<string, unknown>;

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/** The `_bsontype` tag of a bson class instance, if the value is one. */
export function bsonTypeOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

export function isPlainObject(value: unknown): value is Doc {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX && !Object.is(value, -0);
}

/**
 * Converts a value deserialised with `promoteValues: false` into the stored form, in place.
 *
 * The stored form uses plain JS numbers wherever `bson.serialize` writes the same BSON type back
 * (int32, and doubles that are not integral), and keeps `Double` only for integral doubles (1.0
 * would otherwise come back as int32), plus `Long` and `Decimal128`. So types round-trip exactly
 * while most documents hold no wrapper at all.
 */
export function toStored(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = toStored(value[i]);
    return value;
  }
  switch (bsonTypeOf(value)) {
    case 'Int32':
      return (value as { value: number }).value;
    case 'Double': {
      const number = (value as Double).value;
      return isInt32(number) || Object.is(number, -0) ? value : number;
    }
    case undefined:
      break;
    default:
      return value;
  }
  if (isPlainObject(value)) {
    for (const key of Object.keys(value)) value[key] = toStored(value[key]);
  }
  return value;
}

/**
 * The numeric value of a BSON number in any of its forms, or undefined for a non-number.
 * Long and Decimal128 lose precision beyond 2^53; the query engine compares them as doubles.
 */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  switch (bsonTypeOf(value)) {
    case 'Double':
    case 'Int32':
      return (value as { value: number }).value;
    case 'Long':
      return (value as Long).toNumber();
    case 'Decimal128':
      return Number((value as Decimal128).toString());
    default:
      return undefined;
  }
}

/**
 * The query view of a stored value: every BSON number becomes a JS number so that mingo compares
 * int32, int64, double and decimal by value as mongod does. Unchanged subtrees are shared, so a
 * document without wrapped numbers is its own view.
 */
export function toView(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const view = toView(item);
      if (view !== item && !copy) copy = value.slice(0, i);
      copy?.push(view);
    }
    return copy ?? value;
  }
  const tag = bsonTypeOf(value);
  if (tag) return bsonView(tag, value);
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  let copy: Doc | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const item = value[key];
    const view = toView(item);
    // mingo refuses `__proto__` in paths: views carry such fields under an alias (see own-keys).
    const name = aliasPath(key);
    if ((view !== item || name !== key) && !copy) {
      copy = {};
      for (let j = 0; j < i; j++) copy[keys[j] as string] = value[keys[j] as string];
    }
    if (copy) copy[name] = view;
  }
  return copy ?? value;
}

/** The query view of a BSON class value: numbers as numbers, BinData ordered as in mongod, DBRefs as documents. */
function bsonView(tag: string, value: unknown): unknown {
  switch (tag) {
    case 'Double':
    case 'Long':
    case 'Decimal128':
    case 'Int32':
      return numberOf(value);
    case 'Binary':
    case 'UUID':
      return value instanceof BinaryView ? value : new BinaryView(value as Binary);
    case 'DBRef':
      // `{'ref.$id': id}` and `{'ref.$ref': 'users'}` match as in mongod, which stores DBRefs as documents.
      return value instanceof DBRefView ? value : new DBRefView(value as DBRef);
    default:
      return value;
  }
}

/** Deep copy of a stored value: containers and dates are copied, immutable BSON values shared. */
export function cloneStored<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneStored) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (!isPlainObject(value)) return value;
  const copy: Doc = {};
  for (const key of Object.keys(value)) setOwn(copy, key, cloneStored(value[key]));
  return copy as T;
}

/**
 * bson serialises into one scratch buffer of this size and copies out what it wrote: a larger
 * document comes out cut short (or throws), so its size must be computed apart.
 */
const BSON_SCRATCH_BYTES = 17 * 1024 * 1024;

/**
 * Serialises a document into a buffer of exactly its size. One pass (bson's `serialize`) for any
 * document smaller than bson's scratch buffer; only a document that may have outgrown it is sized
 * first (`calculateObjectSize`, a second full walk, which was half the cost of every write).
 */
export function encodeDocument(doc: Doc): Buffer {
  try {
    const bytes = serialize(doc);
    if (bytes.length < BSON_SCRATCH_BYTES) return bytes as Buffer;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  const buffer = Buffer.alloc(calculateObjectSize(doc));
  serializeWithBufferAndIndex(doc, buffer);
  return buffer;
}

/** Marks a Long so callers can produce int64 ids from counters. */
export function toLong(value: bigint | number): Long {
  return typeof value === 'bigint' ? Long.fromBigInt(value) : Long.fromNumber(value);
}

/**
 * A canonical string for a value as an index key: equal BSON values (1, 1.0 and NumberLong(1)
 * included) give equal keys; different values give different keys. Missing and null share a key,
 * as they do in a mongod index.
 */
export function keyOf(value: unknown): string {
  if (value === undefined || value === null) return 'N';
  switch (typeof value) {
    case 'number':
      return numberKey(value);
    case 'string':
      return `s${value.length}:${value}`;
    case 'boolean':
      return value ? 'T' : 'F';
    case 'bigint':
      return `n${value}`;
    default:
      break;
  }
  if (Array.isArray(value)) return `[${value.map(keyOf).join(',')}]`;
  if (value instanceof Date) return `d${value.getTime()}`;
  if (value instanceof RegExp) return `r${value.source.length}:${value.source}/${value.flags}`;
  const tag = bsonTypeOf(value);
  switch (tag) {
    case 'ObjectId':
      return `o${(value as ObjectId).toHexString()}`;
    case 'Double':
    case 'Int32':
      return numberKey((value as { value: number }).value);
    case 'Long': {
      const long = value as Long;
      const number = long.toNumber();
      return Number.isSafeInteger(number) ? numberKey(number) : `n${long.toBigInt()}`;
    }
    case 'Decimal128':
      return numberKey(Number((value as Decimal128).toString()));
    case 'Binary':
    case 'UUID': {
      const binary = value as { sub_type: number; buffer: Uint8Array };
      return `x${binary.sub_type}:${Buffer.from(binary.buffer).toString('base64')}`;
    }
    case undefined:
      break;
    default:
      return `t${tag}:${JSON.stringify(value)}`;
  }
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .map((key) => `${key.length}:${key}=${keyOf(value[key])}`)
      .join(',')}}`;
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- BSON classes and other values format themselves
  return `?${String(value)}`;
}

function numberKey(value: number): string {
  return `n${Object.is(value, -0) ? 0 : value}`;
}

/**
 * Every value a dotted path reaches, descending into arrays as a multikey index does: an array met
 * on the way fans out over its elements, and an array at the end contributes each element. A
 * missing path yields `[undefined]`; an empty array at the end yields `[[]]`.
 */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  collectPath(doc, path.split('.'), 0, out);
  return out.length === 0 ? [undefined] : out;
}

function collectPath(value: unknown, parts: string[], depth: number, out: unknown[]): void {
  if (depth === parts.length) {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push([]);
      else for (const item of value) out.push(item);
    } else {
      out.push(value);
    }
    return;
  }
  const part = parts[depth] as string;
  if (Array.isArray(value)) {
    if (/^\d+$/.test(part)) {
      collectPath(value[Number(part)], parts, depth + 1, out);
      return;
    }
    for (const item of value) if (isPlainObject(item)) collectPath(item, parts, depth, out);
    return;
  }
  if (isPlainObject(value)) {
    collectPath(getOwn(value, part), parts, depth + 1, out);
    return;
  }
  if (depth > 0 || value !== undefined) out.push(undefined);
}

/** The value at a dotted path without array fan-out (undefined when any step is missing). */
export function getPath(doc: unknown, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(value)) value = /^\d+$/.test(part) ? value[Number(part)] : undefined;
    else if (isPlainObject(value)) value = getOwn(value, part);
    else return undefined;
  }
  return value;
}

/** Renders a value the way mongod prints it in error messages (`ObjectId('…')`, `"text"`, …). */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (value instanceof RegExp) return `/${value.source}/${value.flags}`;
  if (Array.isArray(value)) return `[ ${value.map(formatValue).join(', ')} ]`;
  const tag = bsonTypeOf(value);
  if (tag === 'ObjectId') return `ObjectId('${(value as ObjectId).toHexString()}')`;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- BSON classes and other values format themselves
  if (tag === 'Double' || tag === 'Int32' || tag === 'Long' || tag === 'Decimal128') return String(value);
  if (tag === 'Binary' || tag === 'UUID') {
    const binary = value as { sub_type: number; buffer: Uint8Array };
    return `BinData(${binary.sub_type}, ${Buffer.from(binary.buffer).toString('hex').toUpperCase()})`;
  }
  if (isPlainObject(value)) return formatDocument(value);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- BSON classes and other values format themselves
  return String(value);
}

/** `{ a: 1, b: "x" }`, the shape of a `dup key:` clause. */
export function formatDocument(doc: Doc): string {
  const entries = Object.keys(doc).map((key) => `${key}: ${formatValue(doc[key])}`);
  return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
}

const BSON_TYPE_ALIASES: Record<string, string> = {
  ObjectId: 'objectId',
  Long: 'long',
  Double: 'double',
  Int32: 'int',
  Decimal128: 'decimal',
  Binary: 'binData',
  UUID: 'binData',
  Timestamp: 'timestamp',
};

/** mongod's $type alias for a value, used in error messages. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return isInt32(value) ? 'int' : 'double';
    default:
      break;
  }
  const tag = bsonTypeOf(value);
  if (tag) return BSON_TYPE_ALIASES[tag] ?? tag;
  return isPlainObject(value) ? 'object' : typeof value;
}
