import type { Persistence, PersistedCollection } from './persistence.js';

/** Keeps nothing: the store lives in memory only and starts empty. */
export class MemoryPersistence implements Persistence {
  #nextId = 1;

  load(): PersistedCollection[] {
    return [];
  }

  transaction<T>(work: () => T): T {
    return work();
  }

  createCollection(): number {
    return this.#nextId++;
  }

  putCollectionOptions(): void {}
  dropCollection(): void {}
  renameCollection(): void {}
  putIndex(): void {}
  dropIndex(): void {}
  putDocument(): void {}
  deleteDocument(): void {}
  async close(): Promise<void> {}
}
