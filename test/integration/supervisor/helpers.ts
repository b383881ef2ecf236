import { Writable } from 'node:stream';
import { afterEach } from 'vitest';
import { pino } from 'pino';
import { Supervisor } from '../../../src/supervisor/supervisor.js';
import { FIXTURE_CHILD } from '../../support/fixture-child.js';
import type { SupervisorEvents, SupervisorOptions, WorkerInit, WorkerSnapshot } from '../../../src/supervisor/types.js';
import type { WorkerState } from '../../../src/supervisor/worker-state.js';


/** A pino logger writing into memory, so tests can read what the server would have logged. */
export function captureLog(): { logger: pino.Logger; entries: () => Array<Record<string, unknown>>; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'debug', redact: ['token', '*.token'] }, stream);
  const text = (): string => chunks.join('');
  const entries = (): Array<Record<string, unknown>> =>
    text()
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, entries, text };
}

export interface TestSupervisor {
  supervisor: Supervisor;
  log: ReturnType<typeof captureLog>;
  /** Accounts passed to resolveInit, one entry per spawn. */
  inits: string[];
}

const open: Supervisor[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/**
 * A supervisor over the fixture child with short timings. `tokens` picks each account's
 * behaviour ("fixture:<behaviour>"); unknown accounts behave well. Closed after each test.
 */
export function fixtureSupervisor(
  tokens: Record<string, string> = {},
  overrides: Partial<SupervisorOptions> = {},
): TestSupervisor {
  const log = captureLog();
  const inits: string[] = [];
  const supervisor = new Supervisor({
    workerPath: FIXTURE_CHILD,
    execArgv: [],
    // Short enough for quick hung-child tests, long enough that a busy shared machine does not
    // make a healthy child look hung (3 s without a beat).
    heartbeatIntervalMs: 500,
    heartbeatMissThreshold: 6,
    startTimeoutMs: 10_000,
    readyTimeoutMs: 20_000,
    shutdownGraceMs: 3_000,
    requestTimeoutMs: 10_000,
    restart: { baseDelayMs: 50, maxDelayMs: 400, jitterRatio: 0, maxCrashesInWindow: 3, crashWindowMs: 60_000 },
    logger: log.logger,
    resolveInit: async (accountId): Promise<WorkerInit> => {
      inits.push(accountId);
      return { token: tokens[accountId] ?? 'fixture:ok', friends: [] };
    },
    ...overrides,
  });
  supervisor.setMaxListeners(100);
  open.push(supervisor);
  return { supervisor, log, inits };
}

type EventArgs<K extends keyof SupervisorEvents> = SupervisorEvents[K];

/** Resolves with the first `event` whose arguments pass `match`. */
export function nextEvent<K extends keyof SupervisorEvents>(
  supervisor: Supervisor,
  event: K,
  match: (...args: EventArgs<K>) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<EventArgs<K>> {
  return new Promise((resolve, reject) => {
    const listener = (...args: EventArgs<K>): void => {
      if (!match(...args)) return;
      clearTimeout(timer);
      supervisor.off(event, listener as never);
      resolve(args);
    };
    const timer = setTimeout(() => {
      supervisor.off(event, listener as never);
      reject(new Error(`no matching '${String(event)}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    supervisor.on(event, listener as never);
  });
}

/** Resolves once the account reaches `state` (at once if it is there already). */
export async function stateOf(
  supervisor: Supervisor,
  accountId: string,
  state: WorkerState,
  timeoutMs = 20_000,
): Promise<WorkerSnapshot> {
  const now = supervisor.get(accountId);
  if (now?.state === state) return now;
  const [snapshot] = await nextEvent(supervisor, 'state', (s) => s.accountId === accountId && s.state === state, timeoutMs);
  return snapshot;
}

/** Records the account's state transitions (consecutive repeats folded). */
export function recordStates(supervisor: Supervisor, accountId: string): WorkerState[] {
  const states: WorkerState[] = [];
  supervisor.on('state', (s) => {
    if (s.accountId === accountId && states.at(-1) !== s.state) states.push(s.state);
  });
  return states;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Polls `condition` (for things no event reports, such as another process's death). */
export async function eventually(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
