import { performance } from 'node:perf_hooks';
import { CommandError } from '../errors.js';

/**
 * The time budget of the command running now. Commands run one at a time and synchronously, so
 * one deadline at module level is enough; scans call {@link checkTimeBudget} per document.
 */
let deadline = Infinity;
let calls = 0;
/** Read the clock once per this many checks: a check must cost next to nothing. */
const CLOCK_EVERY = 32;

/** Runs `work` with a budget of `ms`; scans inside it that run longer fail with MaxTimeMSExpired. */
export function withinTimeBudget<T>(ms: number, work: () => T): T {
  const previous = deadline;
  deadline = performance.now() + ms;
  try {
    return work();
  } finally {
    deadline = previous;
  }
}

/** Throws mongod's MaxTimeMSExpired once the running command is past its budget. */
export function checkTimeBudget(): void {
  if (++calls % CLOCK_EVERY !== 0 || performance.now() <= deadline) return;
  throw new CommandError('MaxTimeMSExpired', 'operation exceeded time limit');
}

/** Yields the items of `items`, checking the budget before each one (for lazy pipelines). */
export function* budgeted<T>(items: Iterable<T>): Generator<T> {
  for (const item of items) {
    checkTimeBudget();
    yield item;
  }
}
