import { constants, getPriority, setPriority } from 'node:os';

/**
 * Lowers a child's CPU priority to `by` nice steps below the server's own. With 100 workers on
 * 2 cores, a burst of presence changes makes dozens of them runnable at once; at equal priority
 * the server (one process, the one every event passes through) waits its turn behind them, and
 * that wait is the stored-latency tail (docs/performance.md). Returns the child's new nice value,
 * or undefined when the OS refused.
 *
 * On Linux this renices the child's main thread, which is the one running its JavaScript; threads
 * it started before the call keep their priority.
 */
export function lowerPriority(pid: number, by: number): number | undefined {
  const nice = Math.min(constants.priority.PRIORITY_LOW, getPriority() + by);
  try {
    setPriority(pid, nice);
    return nice;
  } catch {
    return undefined;
  }
}
