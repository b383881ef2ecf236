import { execFileSync } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckpointFailure } from '../../../../../src/db/embedded/persistence/checkpoint-failure-log.js';
import { DATABASE_FILE, SqlitePersistence } from '../../../../../src/db/embedded/persistence/sqlite-persistence.js';
import { type CheckpointResult, WalCheckpointer } from '../../../../../src/db/embedded/persistence/wal-checkpointer.js';
import { loggerWithEvents } from '../../../../support/log-events.js';
import { storedDocuments } from '../../../../support/stored-documents.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dac-wal-fail-'));
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dataDir, { recursive: true, force: true });
});

/**
 * This process's soft limit on the size of the files it writes (RLIMIT_FSIZE, "unlimited" or
 * bytes). A write past it fails with EFBIG (Node ignores SIGXFSZ), which SQLite reports as a disk
 * I/O error: a real write failure, as on a full disk, with no privileges needed. The limit is
 * the whole process's: vitest's (default) forks pool runs one file at a time per process.
 */
function fileSizeLimit(soft?: string): string {
  const pid = String(process.pid);
  if (soft !== undefined) execFileSync('prlimit', ['--pid', pid, `--fsize=${soft}:`]);
  return execFileSync('prlimit', ['--pid', pid, '--fsize', '--output=SOFT', '--noheadings', '--raw']).toString().trim();
}

function putRows(persistence: SqlitePersistence, collectionId: number, from: number, count: number): void {
  persistence.transaction(() => {
    for (let i = from; i < from + count; i++) persistence.putDocument(collectionId, `k${i}`, Buffer.alloc(1_000, i));
  });
}

describe('WAL checkpoints that keep failing', () => {
  it('are logged once, then at most once a minute with the attempts failed since, and once more when they succeed again', async () => {
    // A database file of ~420 KB, and no WAL: its close copied everything back.
    const setup = new SqlitePersistence(dataDir);
    const collectionId = setup.transaction(() => setup.createCollection('db', 'events', {}));
    putRows(setup, collectionId, 0, 400);
    await setup.close();

    vi.useFakeTimers({ toFake: ['Date'] });
    const { logger, events } = loggerWithEvents('info');
    const lines: Array<Record<string, unknown>> = [];
    events.on('line', (line: Record<string, unknown>) => lines.push(line));
    const nextLine = async () => ((await once(events, 'line')) as [Record<string, unknown>])[0];
    const thread = new EventEmitter<{ done: [CheckpointResult]; failed: [CheckpointFailure] }>();
    const persistence = new SqlitePersistence(dataDir, {
      logger,
      walCheckpointIntervalMs: 5,
      checkpointerStartCommits: 0,
      onCheckpoint: (result) => thread.emit('done', result),
      onCheckpointFailed: (failure) => thread.emit('failed', failure),
    });
    const unlimited = fileSizeLimit();
    try {
      // The new rows need pages past the database file's end, which the limit now forbids; their
      // commit only writes the WAL (~125 KB from its start), which stays under it.
      fileSizeLimit(String(statSync(join(dataDir, DATABASE_FILE)).size));
      putRows(persistence, collectionId, 400, 100);

      const first = await nextLine();
      expect(first).toMatchObject({ level: 40, code: 'SQLITE_IOERR_WRITE', reason: 'disk I/O error' });
      expect(first.msg).toMatch(/^WAL checkpoint failed; retrying/);
      for (let i = 0; i < 5; i++) await once(thread, 'failed');
      expect(lines).toHaveLength(1); // one line, not one per attempt

      vi.setSystemTime(Date.now() + 60_000);
      const repeat = await nextLine();
      expect(repeat).toMatchObject({ level: 40, msg: 'WAL checkpoints still failing', code: 'SQLITE_IOERR_WRITE', failingForMs: 60_000 });
      expect(repeat.failedAttempts).toBeGreaterThanOrEqual(6);

      fileSizeLimit(unlimited);
      const recovered = await nextLine();
      expect(recovered).toMatchObject({ level: 30, msg: 'WAL checkpoints succeed again', failingForMs: 60_000 });
      expect(recovered.failedAttempts).toBeGreaterThan(repeat.failedAttempts as number);
      expect(lines).toHaveLength(3);
    } finally {
      fileSizeLimit(unlimited);
      await persistence.close();
    }
    // Nothing was lost meanwhile.
    expect(await storedDocuments(dataDir)).toHaveLength(500);
  });

  it('reports a thread that cannot open the database as stopped, neither as a failed checkpoint nor as an unhandled rejection', async () => {
    const checkpointer = new WalCheckpointer({ file: join(dataDir, 'missing', DATABASE_FILE), intervalMs: 5, chase: 1 });
    const failed: unknown[] = [];
    checkpointer.on('failed', (failure) => failed.push(failure));
    const [message] = await once(checkpointer, 'stopped');
    expect(message).toMatch(/Cannot open database/);
    expect(failed).toEqual([]);
    await checkpointer.stop();
  });
});
