import { Query } from 'mingo';
import type { Doc } from '../bson/values.js';
import { keyOf, numberOf, toView, valuesAtPath } from '../bson/values.js';
import { equalityKeys, KEY_SEPARATOR, keyFields, product } from './index-keys.js';

/** One key a document contributes to an index, with the field values that make it up. */
export interface IndexEntry {
  key: string;
  values: unknown[];
}

/**
 * An index other than `_id_`: a map from key to the `_id` keys of the documents holding it, so
 * equality lookups and unique checks never scan the collection. Multikey (array) fields contribute
 * one entry per element, as in mongod.
 */
export class SecondaryIndex {
  readonly spec: Doc;
  readonly name: string;
  readonly keyPattern: Doc;
  readonly fields: string[];
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly expireAfterSeconds: number | undefined;
  readonly #partial: Query | undefined;
  readonly #entries = new Map<string, Set<string>>();

  constructor(spec: Doc) {
    this.spec = spec;
    this.name = String(spec.name);
    this.keyPattern = spec.key as Doc;
    this.fields = keyFields(this.keyPattern);
    this.unique = spec.unique === true;
    this.sparse = spec.sparse === true;
    this.expireAfterSeconds = spec.expireAfterSeconds === undefined ? undefined : numberOf(spec.expireAfterSeconds);
    this.#partial = spec.partialFilterExpression ? new Query(toView(spec.partialFilterExpression) as Doc) : undefined;
  }

  /** The entries a document contributes; none when sparse or partial rules leave it out. */
  entriesFor(doc: Doc, view: Doc): IndexEntry[] {
    if (this.#partial && !this.#partial.test(view)) return [];
    const perField = this.fields.map((field) => valuesAtPath(doc, field));
    if (this.sparse && perField.every((values) => values.length === 1 && values[0] === undefined)) return [];
    const seen = new Map<string, IndexEntry>();
    for (const values of product(perField)) {
      const key = values.map(keyOf).join(KEY_SEPARATOR);
      if (!seen.has(key)) seen.set(key, { key, values });
    }
    return [...seen.values()];
  }

  /** The first entry another document already holds in this unique index. */
  conflictOf(entries: IndexEntry[], idKey: string): IndexEntry | undefined {
    if (!this.unique) return undefined;
    for (const entry of entries) {
      const holders = this.#entries.get(entry.key);
      if (holders) for (const holder of holders) if (holder !== idKey) return entry;
    }
    return undefined;
  }

  add(idKey: string, entries: IndexEntry[]): void {
    for (const { key } of entries) {
      let holders = this.#entries.get(key);
      if (!holders) {
        holders = new Set();
        this.#entries.set(key, holders);
      }
      holders.add(idKey);
    }
  }

  remove(idKey: string, entries: IndexEntry[]): void {
    for (const { key } of entries) {
      const holders = this.#entries.get(key);
      if (!holders) continue;
      holders.delete(idKey);
      if (holders.size === 0) this.#entries.delete(key);
    }
  }

  clear(): void {
    this.#entries.clear();
  }

  /**
   * The `_id` keys of every document that can match the filter, or undefined when the filter has
   * no equality on every field of this index (the caller then scans).
   */
  lookup(filter: Doc): Set<string> | undefined {
    if (this.#partial) return undefined;
    const perField: string[][] = [];
    for (const field of this.fields) {
      if (!(field in filter)) return undefined;
      const keys = equalityKeys(filter[field]);
      // A sparse index holds no entry for documents missing the field, which {field: null} matches.
      if (!keys || (this.sparse && keys.includes('N'))) return undefined;
      perField.push(keys);
    }
    const ids = new Set<string>();
    for (const combo of product(perField)) {
      const holders = this.#entries.get(combo.join(KEY_SEPARATOR));
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
