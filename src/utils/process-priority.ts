import { constants, getPriority, setPriority } from 'node:os';

/**
 * Lowers a child's CPU priority to `by` nice steps below this process's own. The workers use it:
 * with 100 of them on 2 cores, a burst of presence changes makes dozens runnable at once, and at
 * equal priority the server (which every event passes through) waits its turn behind them — that
 * wait is the stored-latency tail (docs/performance.md). The embedded store's process may use it
 * too, so that its wake-up on each command does not take the server's CPU. Returns the child's
 * new nice value, or undefined when the OS refused.
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
