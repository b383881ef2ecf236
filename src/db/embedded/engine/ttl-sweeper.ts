import type { Logger } from 'pino';
import type { Persistence } from '../persistence/persistence.js';
import type { Catalog } from './catalog.js';

/** Deletes every document whose TTL index date has passed; returns how many. */
export function sweepExpired(catalog: Catalog, persistence: Persistence, now = Date.now()): number {
  return persistence.transaction(() => {
    let removed = 0;
    for (const collection of catalog.allCollections()) {
      for (const record of collection.expired(now)) {
        collection.remove(record);
        removed++;
      }
    }
    return removed;
  });
}

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
