/**
 * How the worker process exits. The supervisor does not read them (it knows why it asked a
 * worker to leave); they tell a human, or a test, a fatal stop from a crash.
 */
export const WORKER_EXIT_CODES = {
  /** Asked to shut down, or the parent went away. */
  ok: 0,
  /** An unexpected error; a restart may help. */
  crashed: 1,
  /** After a `fatal` message: a restart will not help until something changes. */
  fatal: 78,
} as const;
