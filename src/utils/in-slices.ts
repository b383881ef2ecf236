/**
 * Calls `fn` on each item, at most `perTurn` of them per turn of the event loop: the first slice
 * at once, each next one from `setImmediate`, so that I/O which arrived meanwhile (a worker's
 * activity message) is read between slices. For fan-outs to every worker — one IPC write each,
 * ≈ 0.1–0.2 ms — which in one turn would stall the server for 10–20 ms at 100 workers.
 * Resolves after the last item; rejects (and stops) with the first error `fn` throws.
 */
export function forEachInSlices<T>(items: readonly T[], perTurn: number, fn: (item: T) => void): Promise<void> {
  const size = Math.max(1, Math.floor(perTurn));
  return new Promise((resolve, reject) => {
    let next = 0;
    const slice = () => {
      try {
        for (const end = Math.min(items.length, next + size); next < end; next++) fn(items[next] as T);
      } catch (err) {
        reject(err);
        return;
      }
      if (next < items.length) setImmediate(slice);
      else resolve();
    };
    slice();
  });
}
