import type { Logger } from 'pino';
import type { Catalog } from './catalog.js';
import type { UnitOfWork } from './unit-of-work.js';

/** Deletes every document whose TTL index date has passed (mongod reports each as a `delete`); returns how many. */
export function sweepExpired(catalog: Catalog, unit: UnitOfWork, now = Date.now()): number {
  return unit(() => {
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

  constructor(catalog: Catalog, unit: UnitOfWork, intervalMs: number, logger: Logger) {
    this.#timer = setInterval(() => {
      try {
        const removed = sweepExpired(catalog, unit);
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
