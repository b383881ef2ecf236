import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PendingRequests } from '../../../src/supervisor/pending-requests.js';

describe('PendingRequests', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('resolves a request with its reply', async () => {
    const pending = new PendingRequests();
    const reply = pending.add<string>(1, 1000, () => new Error('timeout'));
    expect(pending.resolve(1, 'ok')).toBe(true);
    await expect(reply).resolves.toBe('ok');
    expect(pending.size).toBe(0);
  });

  it('rejects a request that is not answered in time', async () => {
    const pending = new PendingRequests();
    const reply = pending.add(1, 1000, () => new Error('timeout'));
    vi.advanceTimersByTime(1000);
    await expect(reply).rejects.toThrow('timeout');
    expect(pending.size).toBe(0);
  });

  it('ignores a late reply to a timed-out request', async () => {
    const pending = new PendingRequests();
    const reply = pending.add(1, 10, () => new Error('timeout'));
    vi.advanceTimersByTime(10);
    await expect(reply).rejects.toThrow();
    expect(pending.resolve(1, 'late')).toBe(false);
  });

  it('rejects every pending request at once', async () => {
    const pending = new PendingRequests();
    const replies = [1, 2, 3].map((id) => pending.add(id, 1000, () => new Error('timeout')));
    pending.rejectAll((id) => new Error(`exited ${id}`));
    const results = await Promise.allSettled(replies);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual([
      'exited 1',
      'exited 2',
      'exited 3',
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses a duplicate request id', () => {
    const pending = new PendingRequests();
    void pending.add(1, 1000, () => new Error('timeout'));
    expect(() => pending.add(1, 1000, () => new Error('timeout'))).toThrow('already pending');
  });
});
