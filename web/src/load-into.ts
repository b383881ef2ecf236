import { ApiError } from './api.js';

/**
 * One load of a page's data (at mount, and again after a live `reset`): its answer is shown and
 * clears the error note of an earlier failed load; a failure sets the note and leaves what was
 * shown. (The Status page does the same for its two requests at once.)
 */
export function loadInto<T>(request: Promise<T>, show: (value: T) => void, setError: (error: unknown) => void): Promise<void> {
  return request.then(
    (value) => {
      show(value);
      setError(null);
    },
    (error: unknown) => setError(error),
  );
}

/** A failure that may pass by itself: the server unreachable, busy (429) or failing (5xx). */
export function isTransient(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || error.status === 429 || error.status >= 500);
}

/** How long a page waits before it loads again after a transient failure. */
export const RETRY_MS = 5_000;

/**
 * A page's loads: `load()` runs one through `loadInto`; a transient failure loads again after
 * `retryMs` (and again, until one is answered or the page is left: `stop()`), so a page opened
 * during an outage fills itself once the server answers. A refusal (404, 403) is not retried.
 */
export function pageLoads<T>(request: () => Promise<T>, show: (value: T) => void, setError: (error: unknown) => void, retryMs = RETRY_MS) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const load = (): Promise<void> => {
    clearTimeout(timer);
    return loadInto(request(), show, (error) => {
      setError(error);
      if (error !== null && !stopped && isTransient(error)) timer = setTimeout(() => void load(), retryMs);
    });
  };
  const stop = (): void => {
    stopped = true;
    clearTimeout(timer);
  };
  return { load, stop };
}
