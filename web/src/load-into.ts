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
