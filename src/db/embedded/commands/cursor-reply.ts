import { calculateObjectSize } from 'bson';
import type { Doc } from '../bson/values.js';
import { toLong } from '../bson/values.js';
import { EMBEDDED_MONGO_DEFAULTS } from '../constants.js';
import type { CommandContext } from './command-context.js';

/** Takes up to `batchSize` documents from `start`, and never more than 16 MiB of them. */
export function takeBatch(docs: Doc[], start: number, batchSize: number | undefined): Doc[] {
  const max = batchSize && batchSize > 0 ? batchSize : Infinity;
  const batch: Doc[] = [];
  let bytes = 0;
  for (let i = start; i < docs.length && batch.length < max; i++) {
    const doc = docs[i] as Doc;
    bytes += calculateObjectSize(doc);
    if (bytes > EMBEDDED_MONGO_DEFAULTS.maxBsonObjectSize && batch.length > 0) break;
    batch.push(doc);
  }
  return batch;
}

export interface CursorOptions {
  batchSize?: number | undefined;
  singleBatch?: boolean | undefined;
}

/**
 * `{cursor: {firstBatch, id, ns}, ok: 1}`, registering a cursor for the rest of the results.
 * The id is always an int64: the driver rejects an int32 id.
 */
export function firstBatchReply(context: CommandContext, ns: string, docs: Doc[], options: CursorOptions = {}): Doc {
  const batchSize = options.batchSize ?? EMBEDDED_MONGO_DEFAULTS.defaultFirstBatchSize;
  const firstBatch = batchSize === 0 && !options.singleBatch ? [] : takeBatch(docs, 0, batchSize || undefined);
  let id = 0n;
  if (!options.singleBatch && firstBatch.length < docs.length) {
    id = context.cursors.open(ns, docs, firstBatch.length).id;
  }
  return { cursor: { firstBatch, id: toLong(id), ns }, ok: 1 };
}
