import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PRIVATE_FILE_MODE, restrictFiles } from '../../../utils/private-files.js';

/** The file whose lock says a store process has the data directory open. */
export const LOCK_FILE = 'embedded-mongo.lock';

/**
 * One store process per data directory: the store serves from memory, so a second process writing
 * the same database would silently diverge. The lock is SQLite's own on a small file of its own
 * (an exclusive lock that a connection in EXCLUSIVE locking mode keeps until it closes), so it
 * goes away with the process, also on kill -9. It is not taken on the database itself because
 * the database has a second connection, the WAL checkpointer's (wal-checkpointer.ts).
 */
export class DataDirLock {
  readonly #db: Database.Database;

  /** Takes the lock, or throws the error `isDataDirInUse` recognises. */
  constructor(dataDir: string) {
    const file = join(dataDir, LOCK_FILE);
    closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
    restrictFiles(file);
    this.#db = new Database(file, { timeout: 0 });
    try {
      this.#db.pragma('locking_mode = EXCLUSIVE');
      this.#db.pragma('journal_mode = OFF');
      this.#db.exec('BEGIN EXCLUSIVE; COMMIT;');
    } catch (error) {
      this.#db.close();
      throw busyAsInUse(error, dataDir);
    }
  }

  release(): void {
    if (this.#db.open) this.#db.close();
  }
}

const IN_USE = 'is in use by another embedded store process';

/** SQLite's SQLITE_BUSY at open means another store holds the directory: say so. */
export function busyAsInUse(error: unknown, dataDir: string): unknown {
  if ((error as { code?: string }).code !== 'SQLITE_BUSY') return error;
  return new Error(`data directory ${dataDir} ${IN_USE}`, { cause: error });
}

/**
 * Whether a store failed to start because another process holds its data directory. Read from
 * the message, the one part that survives the store process's report of why it could not start.
 */
export function isDataDirInUse(error: unknown): boolean {
  return error instanceof Error && error.message.includes(IN_USE);
}
