import type { Doc } from '../bson/values.js';
import { toView } from '../bson/values.js';

/** One document of a collection: its stored form and the query view mingo reads. */
export interface StoredRecord {
  readonly idKey: string;
  readonly doc: Doc;
  readonly view: Doc;
}

export function makeRecord(idKey: string, doc: Doc): StoredRecord {
  return { idKey, doc, view: toView(doc) as Doc };
}
