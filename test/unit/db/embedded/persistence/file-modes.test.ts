import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, SqlitePersistence } from '../../../../../src/db/embedded/persistence/sqlite-persistence.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dac-modes-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

/** Writes one document so that SQLite has created its WAL file. */
function writeOnce(persistence: SqlitePersistence): void {
  persistence.transaction(() => persistence.createCollection('db', 'c', {}));
}

describe('embedded store file modes', () => {
  it('creates its data directory 0700 and the database and WAL files 0600', async () => {
    const dataDir = join(root, 'db');
    const persistence = new SqlitePersistence(dataDir);
    try {
      writeOnce(persistence);
      expect(await modeOf(dataDir)).toBe(0o700);
      expect(await modeOf(join(dataDir, DATABASE_FILE))).toBe(0o600);
      expect(await modeOf(join(dataDir, `${DATABASE_FILE}-wal`))).toBe(0o600);
    } finally {
      await persistence.close();
    }
  });

  it('tightens files and a directory that already exist with looser modes', async () => {
    const dataDir = join(root, 'db');
    const first = new SqlitePersistence(dataDir);
    writeOnce(first);
    await first.close();
    // Empty -wal and -shm files, as a crashed process leaves them (made 0644 below).
    const file = join(dataDir, DATABASE_FILE);
    for (const suffix of ['-wal', '-shm']) await writeFile(`${file}${suffix}`, Buffer.alloc(0));
    for (const path of [file, `${file}-wal`, `${file}-shm`]) await chmod(path, 0o644);
    await chmod(dataDir, 0o755);
    const reopened = new SqlitePersistence(dataDir);
    try {
      expect(await modeOf(dataDir)).toBe(0o700);
      for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(await modeOf(path)).toBe(0o600);
    } finally {
      await reopened.close();
    }
  });
});
