import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { deserialize } from 'bson';
import type { Doc } from '../bson/values.js';
import { encodeDocument, toStored } from '../bson/values.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE, restrictFiles } from '../../../utils/private-files.js';
import type { Logger } from 'pino';
import { EMBEDDED_MONGO_DEFAULTS } from '../constants.js';
import { busyAsInUse, DataDirLock } from './data-dir-lock.js';
import type { Persistence, PersistedCollection } from './persistence.js';
import { type CheckpointFailure, CheckpointFailureLog } from './checkpoint-failure-log.js';
import { type CheckpointResult, WalCheckpointer } from './wal-checkpointer.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS collections (
  id INTEGER PRIMARY KEY,
  db TEXT NOT NULL,
  name TEXT NOT NULL,
  options BLOB NOT NULL,
  UNIQUE (db, name)
);
CREATE TABLE IF NOT EXISTS indexes (
  collection_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  spec BLOB NOT NULL,
  PRIMARY KEY (collection_id, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS documents (
  collection_id INTEGER NOT NULL,
  id_key TEXT NOT NULL,
  doc BLOB NOT NULL,
  UNIQUE (collection_id, id_key)
);
`;

export interface SqlitePersistenceOptions {
  /** Where failing background checkpoints are reported (checkpoint-failure-log.ts). */
  logger?: Logger | undefined;
  /** @defaultValue EMBEDDED_MONGO_DEFAULTS.walCheckpointIntervalMs */
  walCheckpointIntervalMs?: number | undefined;
  /** Called after each background checkpoint (tests). */
  onCheckpoint?: ((result: CheckpointResult) => void) | undefined;
  /** Called after each failed background checkpoint (tests). */
  onCheckpointFailed?: ((failure: CheckpointFailure) => void) | undefined;
  /** @defaultValue EMBEDDED_MONGO_DEFAULTS.walCheckpointerStartCommits (0: at once) */
  checkpointerStartCommits?: number | undefined;
}

/** The SQLite file the store keeps under its data directory. */
export const DATABASE_FILE = 'embedded-mongo.sqlite';

/**
 * Documents as BSON blobs in one SQLite file in WAL mode. `synchronous = NORMAL` makes every
 * committed transaction survive a crash of the process (kill -9); only an OS crash or power cut
 * can lose the last commits.
 *
 * A commit writes the transaction's pages to the WAL, with no fsync. Copying them back into the
 * database (a checkpoint, which fsyncs the WAL and then the database) is the checkpointer
 * thread's work, on its own connection, every `walCheckpointIntervalMs`; this connection checkpoints
 * by itself (inside a COMMIT) only when the WAL reaches `walAutocheckpointPages`, e.g. because the
 * thread is gone or cannot keep up.
 */
export class SqlitePersistence implements Persistence {
  readonly #lock: DataDirLock;
  readonly #db: Database.Database;
  readonly #file: string;
  readonly #options: SqlitePersistenceOptions;
  #checkpointer: WalCheckpointer | undefined;
  /** Commits until the checkpointer thread starts. */
  #commitsBeforeCheckpointer: number;
  readonly #statements;
  #inUnit = false;

  constructor(dataDir: string, options: SqlitePersistenceOptions = {}) {
    // The file holds password hashes and encrypted tokens: owner-only, also when an older version
    // left it readable. SQLite gives its -wal and -shm files the database file's mode.
    ensurePrivateDir(dataDir);
    this.#lock = new DataDirLock(dataDir);
    const file = join(dataDir, DATABASE_FILE);
    closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
    const companions = [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];
    restrictFiles(...companions);
    try {
      this.#db = openDatabase(file, dataDir);
    } catch (error) {
      this.#lock.release();
      throw error;
    }
    restrictFiles(...companions);
    this.#file = file;
    this.#options = options;
    this.#commitsBeforeCheckpointer = options.checkpointerStartCommits ?? EMBEDDED_MONGO_DEFAULTS.walCheckpointerStartCommits;
    if (this.#commitsBeforeCheckpointer <= 0) this.#startCheckpointer();
    this.#statements = {
      insertCollection: this.#db.prepare('INSERT INTO collections (db, name, options) VALUES (?, ?, ?)'),
      deleteCollection: this.#db.prepare('DELETE FROM collections WHERE id = ?'),
      renameCollection: this.#db.prepare('UPDATE collections SET db = ?, name = ? WHERE id = ?'),
      updateCollectionOptions: this.#db.prepare('UPDATE collections SET options = ? WHERE id = ?'),
      deleteCollectionIndexes: this.#db.prepare('DELETE FROM indexes WHERE collection_id = ?'),
      deleteCollectionDocuments: this.#db.prepare('DELETE FROM documents WHERE collection_id = ?'),
      putIndex: this.#db.prepare('INSERT OR REPLACE INTO indexes (collection_id, name, spec) VALUES (?, ?, ?)'),
      deleteIndex: this.#db.prepare('DELETE FROM indexes WHERE collection_id = ? AND name = ?'),
      putDocument: this.#db.prepare(
        // An upsert keeps the rowid, so natural (insertion) order survives updates and restarts.
        'INSERT INTO documents (collection_id, id_key, doc) VALUES (?, ?, ?) ON CONFLICT (collection_id, id_key) DO UPDATE SET doc = excluded.doc',
      ),
      deleteDocument: this.#db.prepare('DELETE FROM documents WHERE collection_id = ? AND id_key = ?'),
      selectCollections: this.#db.prepare('SELECT id, db, name, options FROM collections ORDER BY id'),
      selectIndexes: this.#db.prepare('SELECT spec FROM indexes WHERE collection_id = ?'),
      selectDocuments: this.#db.prepare('SELECT doc FROM documents WHERE collection_id = ? ORDER BY rowid'),
      begin: this.#db.prepare('BEGIN'),
      commit: this.#db.prepare('COMMIT'),
      rollback: this.#db.prepare('ROLLBACK'),
    };
  }

  load(): PersistedCollection[] {
    const rows = this.#statements.selectCollections.all() as Array<{ id: number; db: string; name: string; options: Buffer }>;
    return rows.map((row) => ({
      id: row.id,
      db: row.db,
      name: row.name,
      options: decode(row.options),
      indexes: (this.#statements.selectIndexes.all(row.id) as Array<{ spec: Buffer }>).map((index) => decode(index.spec)),
      documents: (this.#statements.selectDocuments.all(row.id) as Array<{ doc: Buffer }>).map((doc) => doc.doc),
    }));
  }

  /**
   * Runs one command's work as a unit. The SQLite transaction begins at the first write, so
   * commands that only read cost no BEGIN/COMMIT; it commits before the caller replies.
   */
  transaction<T>(work: () => T): T {
    if (this.#inUnit) return work();
    this.#inUnit = true;
    try {
      const result = work();
      if (this.#db.inTransaction) {
        this.#statements.commit.run();
        if (--this.#commitsBeforeCheckpointer === 0) this.#startCheckpointer();
      }
      return result;
    } catch (error) {
      if (this.#db.inTransaction) this.#statements.rollback.run();
      throw error;
    } finally {
      this.#inUnit = false;
    }
  }

  /** Whether the checkpointer thread runs (it starts at the `checkpointerStartCommits`th commit). */
  get checkpointerRunning(): boolean {
    return this.#checkpointer !== undefined;
  }

  // A store that commits little never needs a checkpoint before it closes (its WAL stays small and
  // the close removes it): no thread for it, which spares each short-lived store (tests, tools)
  // the thread's start-up, tens of milliseconds of CPU.
  #startCheckpointer(): void {
    const { logger, onCheckpoint, onCheckpointFailed, walCheckpointIntervalMs } = this.#options;
    this.#checkpointer = new WalCheckpointer({
      file: this.#file,
      intervalMs: walCheckpointIntervalMs ?? EMBEDDED_MONGO_DEFAULTS.walCheckpointIntervalMs,
      chase: EMBEDDED_MONGO_DEFAULTS.walCheckpointChase,
      report: onCheckpoint !== undefined,
    });
    if (onCheckpoint) this.#checkpointer.on('checkpoint', onCheckpoint);
    const failures = new CheckpointFailureLog(logger);
    this.#checkpointer.on('failed', (failure) => failures.failed(failure));
    if (onCheckpointFailed) this.#checkpointer.on('failed', onCheckpointFailed);
    this.#checkpointer.on('recovered', () => failures.recovered());
    this.#checkpointer.on('stopped', (message) => failures.stopped(message));
  }

  /** Called before every write: opens the unit's transaction on first use. */
  #write(): void {
    if (this.#inUnit && !this.#db.inTransaction) this.#statements.begin.run();
  }

  createCollection(db: string, name: string, options: Doc): number {
    this.#write();
    return Number(this.#statements.insertCollection.run(db, name, encodeDocument(options)).lastInsertRowid);
  }

  putCollectionOptions(collectionId: number, options: Doc): void {
    this.#write();
    this.#statements.updateCollectionOptions.run(encodeDocument(options), collectionId);
  }

  dropCollection(collectionId: number): void {
    this.#write();
    this.#statements.deleteCollectionDocuments.run(collectionId);
    this.#statements.deleteCollectionIndexes.run(collectionId);
    this.#statements.deleteCollection.run(collectionId);
  }

  renameCollection(collectionId: number, db: string, name: string): void {
    this.#write();
    this.#statements.renameCollection.run(db, name, collectionId);
  }

  putIndex(collectionId: number, spec: Doc): void {
    this.#write();
    this.#statements.putIndex.run(collectionId, String(spec.name), encodeDocument(spec));
  }

  dropIndex(collectionId: number, name: string): void {
    this.#write();
    this.#statements.deleteIndex.run(collectionId, name);
  }

  putDocument(collectionId: number, idKey: string, bytes: Buffer): void {
    this.#write();
    this.#statements.putDocument.run(collectionId, idKey, bytes);
  }

  deleteDocument(collectionId: number, idKey: string): void {
    this.#write();
    this.#statements.deleteDocument.run(collectionId, idKey);
  }

  /** Stops the checkpointer first: the last connection to close checkpoints and removes the WAL. */
  async close(): Promise<void> {
    await this.#checkpointer?.stop();
    if (this.#db.open) this.#db.close();
    this.#lock.release();
  }
}

function openDatabase(file: string, dataDir: string): Database.Database {
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`wal_autocheckpoint = ${EMBEDDED_MONGO_DEFAULTS.walAutocheckpointPages}`);
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    db.close();
    // An older store holds the database itself in EXCLUSIVE locking mode.
    throw busyAsInUse(error, dataDir);
  }
}

function decode(bytes: Buffer): Doc {
  return toStored(deserialize(bytes, { promoteValues: false })) as Doc;
}
