import type { Doc } from '../bson/values.js';

/** A collection as read back from disk at start-up. */
export interface PersistedCollection {
  id: number;
  db: string;
  name: string;
  options: Doc;
  indexes: Doc[];
  documents: Buffer[];
}

/**
 * Where acknowledged writes go. Every call happens inside `transaction`, which the dispatcher opens
 * around one command, so a command's writes reach the disk together before its reply is sent.
 */
export interface Persistence {
  load(): PersistedCollection[];
  transaction<T>(work: () => T): T;
  createCollection(db: string, name: string, options: Doc): number;
  /** Replaces a collection's options (collMod). */
  putCollectionOptions(collectionId: number, options: Doc): void;
  dropCollection(collectionId: number): void;
  /** Moves a collection to another name, in the same or another database (renameCollection). */
  renameCollection(collectionId: number, db: string, name: string): void;
  putIndex(collectionId: number, spec: Doc): void;
  dropIndex(collectionId: number, name: string): void;
  putDocument(collectionId: number, idKey: string, bytes: Buffer): void;
  deleteDocument(collectionId: number, idKey: string): void;
  close(): Promise<void>;
}
