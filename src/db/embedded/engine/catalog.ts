import { deserialize } from 'bson';
import type { Logger } from 'pino';
import type { Doc } from '../bson/values.js';
import { toStored } from '../bson/values.js';
import { CommandError } from '../errors.js';
import type { Persistence } from '../persistence/persistence.js';
import type { ChangeSink } from './collection.js';
import { Collection } from './collection.js';

const INVALID_DB_CHARS = /[/\\. "$\0]/;

export function assertValidDatabaseName(db: string): void {
  if (db.length === 0 || db.length >= 64 || INVALID_DB_CHARS.test(db)) {
    throw new CommandError('InvalidNamespace', `Invalid database name: '${db}'`);
  }
}

export function assertValidCollectionName(db: string, name: string): void {
  if (name.length === 0 || name.includes('$') || name.includes('\0') || name.startsWith('.')) {
    throw new CommandError('InvalidNamespace', `Invalid collection name: ${db}.${name}`);
  }
}

/** Databases and their collections, loaded from the persistence layer at start. */
export class Catalog {
  readonly #databases = new Map<string, Map<string, Collection>>();
  readonly #persistence: Persistence;
  readonly #changes: ChangeSink | undefined;

  /** `changes`: where document changes and drops are reported, for change streams. */
  constructor(persistence: Persistence, changes?: ChangeSink) {
    this.#persistence = persistence;
    this.#changes = changes;
  }

  /** Reads every collection, index and document back into memory. */
  load(logger: Logger): void {
    let documents = 0;
    for (const saved of this.#persistence.load()) {
      const collection = new Collection(saved.db, saved.name, saved.id, saved.options, this.#persistence, this.#changes);
      for (const spec of saved.indexes) collection.restoreIndex(spec);
      for (const bytes of saved.documents) {
        collection.restore(toStored(deserialize(bytes, { promoteValues: false })) as Doc);
      }
      documents += saved.documents.length;
      this.#databaseOf(saved.db, true).set(saved.name, collection);
    }
    logger.debug({ documents }, 'embedded store loaded');
  }

  collection(db: string, name: string): Collection | undefined {
    return this.#databases.get(db)?.get(name);
  }

  /** The collection, created implicitly (as an insert or createIndexes does) when missing. */
  ensureCollection(db: string, name: string): { collection: Collection; created: boolean } {
    const existing = this.collection(db, name);
    if (existing) return { collection: existing, created: false };
    return { collection: this.createCollection(db, name, {}), created: true };
  }

  createCollection(db: string, name: string, options: Doc): Collection {
    assertValidDatabaseName(db);
    assertValidCollectionName(db, name);
    const id = this.#persistence.createCollection(db, name, options);
    const collection = new Collection(db, name, id, options, this.#persistence, this.#changes);
    this.#databaseOf(db, true).set(name, collection);
    return collection;
  }

  dropCollection(collection: Collection): void {
    this.#persistence.dropCollection(collection.persistId);
    const database = this.#databases.get(collection.db);
    database?.delete(collection.name);
    if (database?.size === 0) this.#databases.delete(collection.db);
    this.#changes?.record({ kind: 'drop', db: collection.db, coll: collection.name });
  }

  /** Moves a collection to a free name, in its database or another one. */
  renameCollection(collection: Collection, db: string, name: string): void {
    assertValidDatabaseName(db);
    assertValidCollectionName(db, name);
    const [fromDb, fromName] = [collection.db, collection.name];
    collection.rename(db, name);
    const from = this.#databases.get(fromDb);
    from?.delete(fromName);
    if (from?.size === 0) this.#databases.delete(fromDb);
    this.#databaseOf(db, true).set(name, collection);
    this.#changes?.record({ kind: 'rename', db: fromDb, coll: fromName, to: { db, coll: name } });
  }

  dropDatabase(db: string): void {
    const collections = this.collections(db);
    for (const collection of collections) this.dropCollection(collection);
    if (collections.length > 0) this.#changes?.record({ kind: 'dropDatabase', db });
  }

  collections(db: string): Collection[] {
    return [...(this.#databases.get(db)?.values() ?? [])];
  }

  allCollections(): Collection[] {
    return [...this.#databases.values()].flatMap((database) => [...database.values()]);
  }

  databaseNames(): string[] {
    return [...this.#databases.keys()];
  }

  #databaseOf(db: string, create: boolean): Map<string, Collection> {
    let database = this.#databases.get(db);
    if (!database) {
      database = new Map();
      if (create) this.#databases.set(db, database);
    }
    return database;
  }
}
