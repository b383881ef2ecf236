import type { Logger } from 'pino';
import type { InvalidRequestBudgetOptions } from './invalid-request-budget.js';
import type { ActivityEvent, GatewayState, ResumeOutcome, WorkerHeartbeat, WorkerInitSettings } from '../ipc/index.js';
import type { SessionHandover } from './session-keeper.js';
import type { RestartPolicy } from './restart-policy.js';
import type { WorkerState } from './worker-state.js';

/** What a worker needs to start, fetched fresh at every spawn. */
export interface WorkerInit {
  /** The decrypted bot token; sent once over IPC, never logged. */
  token: string;
  /** Discord user ids of the friends to watch. */
  friends: string[];
  settings?: Partial<WorkerInitSettings>;
  /** A persisted session (server restart, another node); the supervisor's own, if fresher, wins. */
  session?: SessionHandover;
  /** Who answers for the account (its user): invalid Discord answers count against their share too. */
  owner?: string;
}

/** Options of `new Supervisor()`. Every default lives in `SUPERVISOR_DEFAULTS`. */
export interface SupervisorOptions {
  /**
   * Called at every spawn, so the token is decrypted only when a worker starts and a changed
   * token or friend list applies on the next restart. A rejection puts the worker in `error`.
   */
  resolveInit: (accountId: string) => Promise<WorkerInit>;
  /** The child's entry file. @defaultValue `<project root>/dist/worker.cjs` */
  workerPath?: string;
  /**
   * Fork `dist/worker-boot.cjs` with `workerPath` as its argument, which runs the (CommonJS)
   * bundle through a V8 code cache kept beside it; `false` forks `workerPath` itself. @defaultValue true
   */
  codeCache?: boolean;
  /** Node flags for each child (replaces, not extends, the default). @defaultValue `SUPERVISOR_DEFAULTS.execArgv`: `['--max-old-space-size=256', '--single-threaded']` */
  execArgv?: string[];
  /**
   * The child's environment. Secrets of the server (encryption keys, JWT secret) must not be in
   * it. @defaultValue the server's PATH, NODE_ENV, LOG_LEVEL, TZ, LANG, LC_ALL only
   */
  env?: NodeJS.ProcessEnv;
  /** REST base ending in `/api` (a fake Discord in tests). @defaultValue the real Discord */
  discordApiUrl?: string;
  /** Children loading at once. @defaultValue 2 × available cores */
  spawnConcurrency?: number;
  /**
   * Nice steps below the server each child runs at (`os.setPriority`), so that the server gets a
   * CPU first when many children are runnable at once; 0 = the server's own priority.
   * @defaultValue `SUPERVISOR_DEFAULTS.niceness` (0)
   */
  niceness?: number;
  /** Interval the children are told to send heartbeats at. @defaultValue `WORKER_SETTINGS_DEFAULTS.heartbeatIntervalMs` (2000) */
  heartbeatIntervalMs?: number;
  /** Missed heartbeats before a child is declared hung and killed. @defaultValue 3 */
  heartbeatMissThreshold?: number;
  /**
   * A child reporting an event-loop delay above this in `heartbeatMissThreshold` heartbeats in a
   * row is declared hung. @defaultValue 5000
   */
  maxEventLoopLagMs?: number;
  /** From fork to the child's first message. @defaultValue 30000 */
  startTimeoutMs?: number;
  /** From fork to `ready`. @defaultValue 120000 */
  readyTimeoutMs?: number;
  /** Default time limit of `deliver` and `ping`. @defaultValue 15000 */
  requestTimeoutMs?: number;
  /** Time a child gets to exit after `shutdown` before SIGKILL. @defaultValue 5000 */
  shutdownGraceMs?: number;
  /** Reported RSS above which a child is replaced. @defaultValue 512 MiB */
  maxRssBytes?: number;
  /** Backoff and crash-loop limits. @defaultValue `SUPERVISOR_DEFAULTS.restart` */
  restart?: Partial<RestartPolicy>;
  /** The shared budget of 401/403/429 answers. @defaultValue `SUPERVISOR_DEFAULTS.invalidRequests` */
  invalidRequests?: Partial<InvalidRequestBudgetOptions>;
  /**
   * One owner's share of that budget: at this many invalid answers of their accounts in the same
   * window, their deliveries are refused and their starts wait (0: no per-owner limit).
   * @defaultValue `SUPERVISOR_DEFAULTS.invalidRequestsPerOwner`
   */
  invalidRequestsPerOwner?: number;
  /** Server log; child output is relayed into it with `accountId`. @defaultValue a pino logger on stdout with tokens redacted */
  logger?: Logger;
  /**
   * A session not heard of for longer is not handed to a replacement worker (Discord would
   * refuse it). @defaultValue 300000
   */
  sessionResumeWindowMs?: number;
  /** Randomness for backoff jitter (tests make it deterministic). @defaultValue Math.random */
  random?: () => number;
}

/** The latest heartbeat of a child: the figures of its last `heartbeat` message. */
export type { WorkerHeartbeat } from '../ipc/index.js';

export interface WorkerLastError {
  /** A `WorkerFatalCode`, or a supervisor code such as `EXITED`, `HEARTBEAT_TIMEOUT`. */
  code: string;
  message: string;
  at: number;
}

/** A read-only copy of one account's worker, as the API shows it. */
export interface WorkerSnapshot {
  accountId: string;
  state: WorkerState;
  pid?: number;
  botUserId?: string;
  botUsername?: string;
  guildCount?: number;
  gatewayState?: GatewayState;
  /** Processes forked after the first one: automatic and requested restarts. */
  restarts: number;
  lastError?: WorkerLastError;
  lastHeartbeat?: WorkerHeartbeat;
  /** When the current (or last) process was forked. */
  startedAt?: number;
  /** When the current process said `ready`. */
  readyAt?: number;
  /** In `backoff`: when the next spawn is due. */
  retryAt?: number;
}

/** Events of the Supervisor (listeners must not throw; a throwing listener is logged). */
export interface SupervisorEvents {
  /** Any process-state transition, or a change of the reported gateway state. */
  state: [snapshot: WorkerSnapshot];
  activity: [accountId: string, event: ActivityEvent];
  ready: [snapshot: WorkerSnapshot];
  /** A fatal error from the worker, or the supervisor failing to start it. */
  fatal: [accountId: string, code: string, message: string];
  heartbeat: [accountId: string, data: WorkerHeartbeat];
  exit: [accountId: string, code: number | null, signal: NodeJS.Signals | null];
  /** A worker handed a session resumed it, or Discord refused it (a gap: changes unobserved). */
  resume: [accountId: string, outcome: ResumeOutcome];
  /**
   * A worker whose lease keepalive ran out said it is closing its gateway connection (fencing):
   * the session it names has ended and is not handed over. `sessionId` is a credential: never log it.
   */
  fenced: [accountId: string, sessionId: string | undefined];
}
