import type { Logger } from 'pino';
import { valuesAtPath } from '../bson/values.js';
import type { Persistence } from '../persistence/persistence.js';
import type { Catalog } from './catalog.js';

/** The expiry instant of a document under a TTL index: its earliest date plus the TTL, if any. */
export function expiryOf(values: unknown[], expireAfterSeconds: number): number | undefined {
  let earliest: number | undefined;
  for (const value of values) {
    if (value instanceof Date && (earliest === undefined || value.getTime() < earliest)) earliest = value.getTime();
  }
  return earliest === undefined ? undefined : earliest + expireAfterSeconds * 1000;
}

/** Deletes every document whose TTL index date has passed; returns how many. */
export function sweepExpired(catalog: Catalog, persistence: Persistence, now = Date.now()): number {
  return persistence.transaction(() => {
    let removed = 0;
    for (const collection of catalog.allCollections()) {
      for (const index of collection.indexes.values()) {
        if (index.expireAfterSeconds === undefined || index.fields.length !== 1) continue;
        const field = index.fields[0] as string;
        for (const record of collection.all()) {
          const expiry = expiryOf(valuesAtPath(record.doc, field), index.expireAfterSeconds);
          if (expiry !== undefined && expiry <= now && collection.records.has(record.idKey)) {
            collection.remove(record);
            removed++;
          }
        }
      }
    }
    return removed;
  });
}

/** Runs sweepExpired on a timer, as mongod's TTL monitor does (every 60 s by default). */
export class TtlSweeper {
  readonly #timer: NodeJS.Timeout;

  constructor(catalog: Catalog, persistence: Persistence, intervalMs: number, logger: Logger) {
    this.#timer = setInterval(() => {
      try {
        const removed = sweepExpired(catalog, persistence);
        if (removed > 0) logger.debug({ removed }, 'TTL sweep removed expired documents');
      } catch (error) {
        logger.error({ err: error }, 'TTL sweep failed');
      }
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
