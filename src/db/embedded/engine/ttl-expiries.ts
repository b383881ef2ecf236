import { valuesAtPath } from '../bson/values.js';
import { ExpiryQueue } from './expiry-queue.js';
import type { SecondaryIndex } from './secondary-index.js';
import type { StoredRecord } from './stored-record.js';

/** When a document with these values at a TTL index's field expires: its earliest date plus the TTL. */
export function expiryOf(values: unknown[], expireAfterSeconds: number): number | undefined {
  let earliest: number | undefined;
  for (const value of values) {
    if (value instanceof Date && (earliest === undefined || value.getTime() < earliest)) earliest = value.getTime();
  }
  return earliest === undefined ? undefined : earliest + expireAfterSeconds * 1000;
}

/** A TTL index as mongod's TTL monitor treats one: a single field and an `expireAfterSeconds`. */
function isTtl(index: SecondaryIndex): boolean {
  return index.expireAfterSeconds !== undefined && index.fields.length === 1;
}

function dueOf(index: SecondaryIndex, record: StoredRecord): number | undefined {
  return expiryOf(valuesAtPath(record.doc, index.fields[0] as string), index.expireAfterSeconds as number);
}

/**
 * A collection's TTL bookkeeping: per TTL index, when each document is due. The sweep then reads
 * only the documents that are due, instead of every document of the collection each time (which
 * held every command back for tens of milliseconds per 100,000 documents, once a minute).
 */
export class TtlExpiries {
  readonly #queues = new Map<SecondaryIndex, ExpiryQueue>();

  /** A new document, or a document read back from disk. */
  track(indexes: Iterable<SecondaryIndex>, record: StoredRecord): void {
    for (const index of indexes) {
      const queue = this.#queues.get(index);
      const due = queue && dueOf(index, record);
      if (due !== undefined) queue?.push(due, record.idKey);
    }
  }

  /** A new version of a document: queued again only when its due time changed. */
  retrack(indexes: Iterable<SecondaryIndex>, previous: StoredRecord, record: StoredRecord): void {
    for (const index of indexes) {
      const queue = this.#queues.get(index);
      if (!queue) continue;
      const due = dueOf(index, record);
      if (due !== undefined && due !== dueOf(index, previous)) queue.push(due, record.idKey);
    }
  }

  /** (Re)builds an index's queue from the documents: a new, changed or restored index. */
  rebuild(index: SecondaryIndex, records: Iterable<StoredRecord>): void {
    if (!isTtl(index)) {
      this.#queues.delete(index);
      return;
    }
    const queue = new ExpiryQueue();
    this.#queues.set(index, queue);
    for (const record of records) {
      const due = dueOf(index, record);
      if (due !== undefined) queue.push(due, record.idKey);
    }
  }

  forget(index: SecondaryIndex): void {
    this.#queues.delete(index);
  }

  /**
   * The documents due at `now` by any TTL index, each once. An entry left by a deleted document or
   * an older date is dropped here; a queue that has grown well past the collection is rebuilt.
   */
  due(now: number, records: Map<string, StoredRecord>): StoredRecord[] {
    const out = new Map<string, StoredRecord>();
    for (const [index, queue] of this.#queues) {
      for (const idKey of queue.popDue(now)) {
        const record = records.get(idKey);
        const due = record && dueOf(index, record);
        if (record && due !== undefined && due <= now) out.set(idKey, record);
      }
      if (queue.size > 2 * records.size + 1024) this.rebuild(index, records.values());
    }
    return [...out.values()];
  }
}
