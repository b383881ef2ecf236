import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../web/src/api.js';
import { loadInto, pageLoads } from '../../../web/src/load-into.js';

// The Accounts and Account pages load through loadInto at mount and after a live `reset`: a
// failed load's error note must go once a later load is answered.
describe('loadInto', () => {
  it('shows a failed load as an error note, keeps what was shown, and clears the note at the next answered load', async () => {
    const shown: string[] = [];
    let error: unknown = null;
    const setError = (e: unknown) => {
      error = e;
    };
    const show = (value: string) => shown.push(value);

    await loadInto(Promise.resolve('first'), show, setError);
    expect({ shown, error }).toEqual({ shown: ['first'], error: null });

    const outage = new Error('The database is not answering');
    await loadInto(Promise.reject(outage), show, setError);
    expect({ shown, error }).toEqual({ shown: ['first'], error: outage });

    await loadInto(Promise.resolve('after the outage'), show, setError);
    expect({ shown, error }).toEqual({ shown: ['first', 'after the outage'], error: null });
  });
});

// A page opened during an outage fills itself once the server answers again.
describe('pageLoads', () => {
  const RETRY = 1_000;
  const track = () => {
    const state = { shown: [] as string[], error: null as unknown };
    return { state, show: (value: string) => state.shown.push(value), setError: (e: unknown) => void (state.error = e) };
  };

  it('loads again after a transient failure until one is answered, then stops', async () => {
    vi.useFakeTimers();
    try {
      const answers = [new ApiError(0, 'NETWORK', 'unreachable'), new ApiError(503, 'DB_UNAVAILABLE', 'not answering')];
      let requests = 0;
      const request = () => {
        requests++;
        const failure = answers.shift();
        return failure ? Promise.reject(failure) : Promise.resolve(`answer ${requests}`);
      };
      const { state, show, setError } = track();
      const loads = pageLoads(request, show, setError, RETRY);

      await loads.load();
      expect(state).toEqual({ shown: [], error: expect.objectContaining({ status: 0 }) });
      await vi.advanceTimersByTimeAsync(RETRY);
      expect(state).toEqual({ shown: [], error: expect.objectContaining({ status: 503 }) });
      await vi.advanceTimersByTimeAsync(RETRY);
      expect(state).toEqual({ shown: ['answer 3'], error: null });
      await vi.advanceTimersByTimeAsync(RETRY * 5);
      expect(requests).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not retry a refusal, and stops retrying once the page is left', async () => {
    vi.useFakeTimers();
    try {
      let requests = 0;
      const refused = track();
      const notFound = pageLoads(() => (requests++, Promise.reject(new ApiError(404, 'NOT_FOUND', 'Account not found'))), refused.show, refused.setError, RETRY);
      await notFound.load();
      await vi.advanceTimersByTimeAsync(RETRY * 3);
      expect(requests).toBe(1);
      expect(refused.state.error).toEqual(expect.objectContaining({ status: 404 }));

      requests = 0;
      const down = track();
      const left = pageLoads(() => (requests++, Promise.reject(new ApiError(500, 'INTERNAL_ERROR', 'failed'))), down.show, down.setError, RETRY);
      await left.load();
      await vi.advanceTimersByTimeAsync(RETRY);
      expect(requests).toBe(2);
      left.stop();
      await vi.advanceTimersByTimeAsync(RETRY * 3);
      expect(requests).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
