import { spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckpointResult } from '../../../../../src/db/embedded/persistence/wal-checkpointer.js';
import { DATABASE_FILE, SqlitePersistence } from '../../../../../src/db/embedded/persistence/sqlite-persistence.js';
import { storedDocuments } from '../../../../support/stored-documents.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dac-wal-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** A persistence whose background checkpoints are reported on `checkpoints`. */
function open(): { persistence: SqlitePersistence; checkpoints: EventEmitter<{ done: [CheckpointResult] }> } {
  const checkpoints = new EventEmitter<{ done: [CheckpointResult] }>();
  const persistence = new SqlitePersistence(dataDir, {
    walCheckpointIntervalMs: 5,
    checkpointerStartCommits: 0,
    onCheckpoint: (r) => checkpoints.emit('done', r),
  });
  return { persistence, checkpoints };
}

/** 200 one-document commits: far fewer WAL pages than the store's own checkpoint threshold. */
function write(persistence: SqlitePersistence): void {
  const id = persistence.transaction(() => persistence.createCollection('db', 'events', {}));
  for (let i = 0; i < 200; i++) persistence.transaction(() => persistence.putDocument(id, `k${i}`, Buffer.alloc(300, i)));
}

describe('WAL checkpoints off the store thread', () => {
  it('copies committed pages back into the database file from its own thread', async () => {
    const { persistence, checkpoints } = open();
    try {
      const before = statSync(join(dataDir, DATABASE_FILE)).size;
      write(persistence);
      // Checkpoints that ran during the writes may have copied part of them: wait for the one that copied all.
      let result: CheckpointResult;
      do [result] = await once(checkpoints, 'done');
      while (result.checkpointed < result.log);
      expect(result.checkpointed).toBeGreaterThan(0);
      // 200 documents of 300 bytes are in the database file itself now, not only in the WAL.
      expect(statSync(join(dataDir, DATABASE_FILE)).size).toBeGreaterThan(before + 200 * 300);
    } finally {
      await persistence.close();
    }
  });

  it('leaves no WAL behind after a clean close, with every document in the database file', async () => {
    const { persistence } = open();
    write(persistence);
    expect(existsSync(join(dataDir, `${DATABASE_FILE}-wal`))).toBe(true);
    await persistence.close();
    expect(existsSync(join(dataDir, `${DATABASE_FILE}-wal`))).toBe(false);
    expect(await storedDocuments(dataDir)).toHaveLength(200);
  });

  it('starts the thread at the given commit, not before (a store that writes little has none)', async () => {
    const persistence = new SqlitePersistence(dataDir, { checkpointerStartCommits: 3 });
    try {
      const id = persistence.transaction(() => persistence.createCollection('db', 'events', {}));
      persistence.transaction(() => persistence.load()); // reads only: no commit
      persistence.transaction(() => persistence.putDocument(id, 'a', Buffer.alloc(10)));
      expect(persistence.checkpointerRunning).toBe(false);
      persistence.transaction(() => persistence.putDocument(id, 'b', Buffer.alloc(10)));
      expect(persistence.checkpointerRunning).toBe(true);
    } finally {
      await persistence.close();
    }
  });

  it('lets a process that closes the store end by itself, with the WAL removed', async () => {
    // Nothing but the closing thread keeps this process alive while the store closes.
    const script = `
      import { SqlitePersistence } from ${JSON.stringify(pathToFileURL(resolve('src/db/embedded/persistence/sqlite-persistence.ts')).href)};
      const persistence = new SqlitePersistence(process.argv[1], { checkpointerStartCommits: 0 });
      persistence.transaction(() => persistence.createCollection('db', 'events', {}));
      await persistence.close();
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dataDir], { stdio: 'inherit' });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(existsSync(join(dataDir, `${DATABASE_FILE}-wal`))).toBe(false);
  });

  it('keeps the data directory to one store until that store closes', async () => {
    const first = new SqlitePersistence(dataDir);
    expect(() => new SqlitePersistence(dataDir)).toThrow(/in use by another embedded store process/);
    await first.close();
    const second = new SqlitePersistence(dataDir);
    await second.close();
  });
});
