import { Query } from 'mingo';
import type { Doc } from '../bson/values.js';
import { keyOf, numberOf, toView, valuesAtPath } from '../bson/values.js';
import type { Folder } from './collation.js';
import { folderOf } from './collation.js';
import { equalityKeys, KEY_SEPARATOR, keyFields, product } from './index-keys.js';

/** One key a document contributes to an index, with the field values that make it up. */
export interface IndexEntry {
  key: string;
  values: unknown[];
}

/**
 * An index other than `_id_`: maps from key to the `_id` keys of the documents holding it, so
 * equality lookups and unique checks never scan the collection. A compound index keeps one map per
 * key prefix (`a`, `a|b`, `a|b|c`), so equality on its leading fields is answered too. Multikey
 * (array) fields contribute one entry per element, as in mongod.
 */
export class SecondaryIndex {
  readonly spec: Doc;
  readonly name: string;
  readonly keyPattern: Doc;
  readonly fields: string[];
  readonly unique: boolean;
  readonly sparse: boolean;
  #expireAfterSeconds: number | undefined;
  readonly #partial: Query | undefined;
  /** An index `collation` of strength 1 or 2 keys strings case- (and accent-) insensitively. */
  readonly #fold: Folder;
  /** `#levels[k]` maps the key of the first k + 1 fields to the documents holding it. */
  readonly #levels: Array<Map<string, Set<string>>>;

  constructor(spec: Doc) {
    this.spec = spec;
    this.name = String(spec.name);
    this.keyPattern = spec.key as Doc;
    this.fields = keyFields(this.keyPattern);
    this.unique = spec.unique === true;
    this.sparse = spec.sparse === true;
    this.#expireAfterSeconds = spec.expireAfterSeconds === undefined ? undefined : numberOf(spec.expireAfterSeconds);
    this.#partial = spec.partialFilterExpression ? new Query(toView(spec.partialFilterExpression) as Doc) : undefined;
    this.#levels = this.fields.map(() => new Map<string, Set<string>>());
    this.#fold = folderOf(spec.collation) ?? ((value) => value);
  }

  get expireAfterSeconds(): number | undefined {
    return this.#expireAfterSeconds;
  }

  /** Makes the index a TTL index, or changes its TTL (collMod). */
  setExpireAfterSeconds(seconds: number): void {
    this.#expireAfterSeconds = seconds;
    this.spec.expireAfterSeconds = seconds;
  }

  #keyOf(value: unknown): string {
    return keyOf(this.#fold(value));
  }

  get #full(): Map<string, Set<string>> {
    return this.#levels[this.#levels.length - 1] as Map<string, Set<string>>;
  }

  /** The entries a document contributes; none when sparse or partial rules leave it out. */
  entriesFor(doc: Doc, view: Doc): IndexEntry[] {
    if (this.#partial && !this.#partial.test(view)) return [];
    const perField = this.fields.map((field) => valuesAtPath(doc, field));
    if (this.sparse && perField.every((values) => values.length === 1 && values[0] === undefined)) return [];
    const seen = new Map<string, IndexEntry>();
    for (const values of product(perField)) {
      const key = values.map((value) => this.#keyOf(value)).join(KEY_SEPARATOR);
      if (!seen.has(key)) seen.set(key, { key, values });
    }
    return [...seen.values()];
  }

  /** The first entry another document already holds in this unique index. */
  conflictOf(entries: IndexEntry[], idKey: string): IndexEntry | undefined {
    if (!this.unique) return undefined;
    for (const entry of entries) {
      const holders = this.#full.get(entry.key);
      if (holders) for (const holder of holders) if (holder !== idKey) return entry;
    }
    return undefined;
  }

  add(idKey: string, entries: IndexEntry[]): void {
    this.#levels.forEach((level, depth) => {
      for (const key of this.#prefixKeys(entries, depth)) {
        let holders = level.get(key);
        if (!holders) {
          holders = new Set();
          level.set(key, holders);
        }
        holders.add(idKey);
      }
    });
  }

  remove(idKey: string, entries: IndexEntry[]): void {
    this.#levels.forEach((level, depth) => {
      for (const key of this.#prefixKeys(entries, depth)) {
        const holders = level.get(key);
        if (!holders) continue;
        holders.delete(idKey);
        if (holders.size === 0) level.delete(key);
      }
    });
  }

  clear(): void {
    for (const level of this.#levels) level.clear();
  }

  #prefixKeys(entries: IndexEntry[], depth: number): Set<string> {
    if (depth === this.fields.length - 1) return new Set(entries.map((entry) => entry.key));
    return new Set(entries.map((entry) => entry.values.slice(0, depth + 1).map((value) => this.#keyOf(value)).join(KEY_SEPARATOR)));
  }

  /**
   * The `_id` keys of every document that can match the filter, from equality conditions on the
   * leading fields of the index; undefined when the first field has none (the caller then scans).
   */
  lookup(filter: Doc): Set<string> | undefined {
    if (this.#partial) return undefined;
    const perField: string[][] = [];
    for (const field of this.fields) {
      if (!(field in filter)) break;
      // A collated index answers every case variant: the caller's exact test narrows them down.
      const keys = equalityKeys(this.#fold(filter[field]));
      // A sparse index holds no entry for documents missing the field, which {field: null} matches.
      if (!keys || (this.sparse && keys.includes('N'))) break;
      perField.push(keys);
    }
    if (perField.length === 0) return undefined;
    const level = this.#levels[perField.length - 1] as Map<string, Set<string>>;
    const ids = new Set<string>();
    for (const combo of product(perField)) {
      const holders = level.get(combo.join(KEY_SEPARATOR));
      if (holders) for (const id of holders) ids.add(id);
    }
    return ids;
  }

  /** `{ field: value, … }` for one entry, mongod's `keyValue`. */
  keyValueOf(entry: IndexEntry): Doc {
    const keyValue: Doc = {};
    this.fields.forEach((field, i) => {
      keyValue[field] = entry.values[i] ?? null;
    });
    return keyValue;
  }
}
