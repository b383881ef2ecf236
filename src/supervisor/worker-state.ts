/**
 * The one state enum of an account worker, and the table of legal transitions.
 *
 * The supervisor owns these process states; the Discord connection state the worker reports
 * (`GatewayState`) is kept beside them in the snapshot and never drives them.
 */

export const WORKER_STATES = [
  'stopped',
  'starting',
  'connecting',
  'ready',
  'stopping',
  'backoff',
  'crashed',
  'error',
] as const;

/**
 * - `stopped`: no process, not wanted.
 * - `starting`: queued for a spawn slot, resolving its init, or forked and not heard from yet.
 * - `connecting`: the child is alive (sent a heartbeat or a state) and logging in.
 * - `ready`: the child said `ready`.
 * - `stopping`: asked to shut down (stop, restart, close, or after a fatal error); waiting for exit.
 * - `backoff`: the child died; waiting to restart it.
 * - `crashed`: too many crashes in the window; not restarted until started again.
 * - `error`: fatal Discord error (bad token, disallowed intents); not restarted until started again.
 */
export type WorkerState = (typeof WORKER_STATES)[number];

/** States from which only the user can bring the worker back. */
export const RESTING_STATES: ReadonlySet<WorkerState> = new Set(['stopped', 'crashed', 'error']);

const TRANSITIONS: Readonly<Record<WorkerState, readonly WorkerState[]>> = {
  stopped: ['starting'],
  // `stopped`: cancelled while queued; `error`: resolveInit failed or the worker file is missing.
  starting: ['connecting', 'ready', 'stopping', 'backoff', 'crashed', 'error', 'stopped'],
  connecting: ['ready', 'stopping', 'backoff', 'crashed', 'error', 'starting'],
  // `starting`: the first restart after a crash is immediate.
  ready: ['stopping', 'backoff', 'crashed', 'error', 'starting'],
  // `starting`: restart(); `error`: exit after a fatal message; `backoff`/`crashed`: the memory
  // watchdog asked it to go and it is replaced like a crash.
  stopping: ['stopped', 'starting', 'error', 'backoff', 'crashed'],
  backoff: ['starting', 'stopped', 'crashed', 'error'],
  crashed: ['starting', 'stopped'],
  error: ['starting', 'stopped'],
};

/** Whether the table allows `from → to`. */
export function canTransition(from: WorkerState, to: WorkerState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** What `start()` does in each state. */
export type StartDecision = 'spawn' | 'noop' | 'refuse';

export function decideStart(state: WorkerState): StartDecision {
  if (RESTING_STATES.has(state)) return 'spawn';
  if (state === 'stopping') return 'refuse';
  return 'noop';
}

/** What `stop()` does in each state. */
export type StopDecision = 'noop' | 'cancel' | 'shutdown' | 'await';

export function decideStop(state: WorkerState, hasProcess: boolean): StopDecision {
  if (state === 'stopping') return 'await';
  if (hasProcess) return 'shutdown';
  if (state === 'stopped') return 'noop';
  // backoff, crashed, error, or starting while still queued: nothing to kill.
  return 'cancel';
}

/** A zeroed count for every state, in enum order. */
export function emptyStateCounts(): Record<WorkerState, number> {
  return Object.fromEntries(WORKER_STATES.map((s) => [s, 0])) as Record<WorkerState, number>;
}
