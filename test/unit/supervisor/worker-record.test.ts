import { describe, expect, it } from 'vitest';
import { createRecord, toSnapshot } from '../../../src/supervisor/worker-record.js';

describe('toSnapshot', () => {
  it('leaves out fields that are not known yet', () => {
    expect(toSnapshot(createRecord('a1'))).toEqual({ accountId: 'a1', state: 'stopped', restarts: 0 });
  });

  it('copies nested objects so callers cannot change the record', () => {
    const rec = createRecord('a1');
    rec.lastError = { code: 'EXITED', message: 'x', at: 1 };
    const snapshot = toSnapshot(rec);
    snapshot.lastError!.code = 'CHANGED';
    expect(rec.lastError.code).toBe('EXITED');
  });

  it('shows when the next spawn is due only while in backoff', () => {
    const rec = createRecord('a1');
    const timer = setTimeout(() => {}, 0);
    rec.phase = { state: 'backoff', retryAt: 1234, timer };
    expect(toSnapshot(rec)).toMatchObject({ state: 'backoff', retryAt: 1234 });
    clearTimeout(timer);
    rec.phase = { state: 'stopped' };
    expect(toSnapshot(rec)).not.toHaveProperty('retryAt');
  });
});
