import { describe, expect, it } from 'vitest';
import { CheckpointFailureLog } from '../../../../../src/db/embedded/persistence/checkpoint-failure-log.js';
import { loggerWithEvents } from '../../../../support/log-events.js';

// The real failure (a write past the file size limit) is in wal-checkpoint-failures.test.ts; this
// one walks the clock through two runs of failures.
describe('CheckpointFailureLog', () => {
  it('repeats a lasting failure once a minute with the attempts since, and starts afresh after a recovery', () => {
    const { logger, events } = loggerWithEvents('info');
    const lines: Array<Record<string, unknown>> = [];
    events.on('line', (line: Record<string, unknown>) => lines.push(line));
    let now = 1_000_000;
    const log = new CheckpointFailureLog(logger, () => now);
    const failure = { message: 'database or disk is full', code: 'SQLITE_FULL' };
    const failFor = (ms: number, every = 200) => {
      for (const end = now + ms; now < end; now += every) log.failed(failure);
    };

    failFor(60_000); // attempts at 0, 0.2, …, 59.8 s
    expect(lines.map((l) => [l.msg, l.failedAttempts])).toEqual([[expect.stringMatching(/^WAL checkpoint failed/), undefined]]);
    log.failed(failure); // 60 s after the first line
    expect(lines[1]).toMatchObject({ msg: 'WAL checkpoints still failing', failedAttempts: 300, failingForMs: 60_000, code: 'SQLITE_FULL' });
    now += 200;
    failFor(59_800);
    log.failed(failure);
    expect(lines.slice(2).map((l) => [l.msg, l.failedAttempts])).toEqual([['WAL checkpoints still failing', 300]]);

    log.recovered();
    log.recovered(); // once per run
    expect(lines.slice(3)).toEqual([expect.objectContaining({ msg: 'WAL checkpoints succeed again', failedAttempts: 601, failingForMs: 120_000 })]);

    now += 1_000;
    log.failed({ message: 'disk I/O error', code: 'SQLITE_IOERR_FSYNC' });
    expect(lines.slice(4)).toEqual([expect.objectContaining({ level: 40, reason: 'disk I/O error', code: 'SQLITE_IOERR_FSYNC' })]);
    expect(lines[4]?.msg).toMatch(/^WAL checkpoint failed/);
  });
});
