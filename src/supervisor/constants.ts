import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKER_SETTINGS_DEFAULTS } from '../domain/worker-settings.js';
import type { WorkerFatalCode, WorkerInitSettings } from '../ipc/index.js';
import type { ResolvedOptions } from './resolve-options.js';

/** Walks up from this module to the folder holding package.json (works from src/ and dist/). */
function findProjectRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

const MiB = 1024 * 1024;

/** Every default of the supervisor, in one place. */
export const SUPERVISOR_DEFAULTS = {
  workerPath: resolve(PROJECT_ROOT, 'dist/worker.cjs'),
  /** Forked with `workerPath` as its argument: runs the bundle through a V8 code cache (docs/performance.md). */
  bootPath: resolve(PROJECT_ROOT, 'dist/worker-boot.cjs'),
  codeCache: true,
  /**
   * Heap cap per child (a bundled worker idles at about 70 MiB RSS), and no V8 helper threads:
   * an idle Discord client gains nothing from concurrent GC or compilation, and without them a
   * worker's private memory drops by about a fifth (docs/performance.md, bench:worker). The flag
   * only works on the command line, so the supervisor passes it.
   */
  execArgv: ['--max-old-space-size=256', '--single-threaded'],
  /** About 2 × cores children load at once, so the parent stays responsive while 100 start. */
  spawnConcurrency: 2 * availableParallelism(),
  /**
   * Children run this many nice steps below the server: when a burst of presence changes makes
   * dozens of them runnable, the server (which every event passes through) is not queued behind
   * them for a CPU (docs/performance.md, "stored p99").
   */
  niceness: 0,
  /**
   * A message to every worker (lease keepalive, metrics ping) is written this many workers per
   * event-loop turn: one IPC write costs ≈ 0.1–0.2 ms, so 100 at once stalled the server's loop
   * for 10–20 ms, and the activity messages waiting behind them with it.
   */
  fanOutPerTurn: 10,
  heartbeatIntervalMs: WORKER_SETTINGS_DEFAULTS.heartbeatIntervalMs,
  /** 3 missed beats at 2 s → a hung child is killed 6 s after its last beat (target ≤ 8 s). */
  heartbeatMissThreshold: 3,
  /** A child reporting an event-loop delay p99 above this, `heartbeatMissThreshold` times in a row, is hung. */
  maxEventLoopLagMs: 5_000,
  /** From fork to the child's first message (module loading; slow when many children start). */
  startTimeoutMs: 30_000,
  /** From fork to `ready` (the worker gives up on login itself after `loginTimeoutMs`). */
  readyTimeoutMs: 120_000,
  /** Default time limit of one IPC request (deliver, ping). */
  requestTimeoutMs: 15_000,
  /** After `shutdown`, how long a child may take before it is SIGKILLed. */
  shutdownGraceMs: 5_000,
  /** A child whose reported RSS exceeds this is replaced. */
  maxRssBytes: 512 * MiB,
  /**
   * A session not heard of for longer is not handed over: Discord keeps a dropped session
   * resumable for minutes (not documented precisely), and a refused RESUME costs a round trip.
   */
  sessionResumeWindowMs: 5 * 60_000,
  restart: {
    baseDelayMs: 1_000,
    maxDelayMs: 60_000,
    jitterRatio: 0.2,
    stableAfterMs: 60_000,
    crashWindowMs: 10 * 60_000,
    maxCrashesInWindow: 5,
  },
  invalidRequests: {
    limit: 10_000,
    windowMs: 10 * 60_000,
    refuseAtRatio: 0.8,
    bucketMs: 1_000,
  },
  /** A tenth of Discord's limit: one user's broken accounts cannot spend what everyone shares. */
  invalidRequestsPerOwner: 1_000,
  workerSettings: WORKER_SETTINGS_DEFAULTS,
  /** Environment variables a child inherits; everything else (keys, secrets) stays out. */
  childEnvAllowlist: ['PATH', 'NODE_ENV', 'LOG_LEVEL', 'TZ', 'LANG', 'LC_ALL'],
  /** Longest child log line relayed; the rest is cut. */
  maxLogLineChars: 16_384,
} as const satisfies Omit<ResolvedOptions, 'resolveInit' | 'env' | 'discordApiUrl' | 'logger' | 'random'> & {
  codeCache: boolean;
  workerSettings: WorkerInitSettings;
  childEnvAllowlist: readonly string[];
  maxLogLineChars: number;
  fanOutPerTurn: number;
};

/** Fatal codes after which the worker is not restarted until the user starts it again. */
export const NO_RESTART_CODES: ReadonlySet<WorkerFatalCode> = new Set([
  'TOKEN_INVALID',
  'INTENTS_DISALLOWED',
  'GATEWAY_FATAL',
]);

/** Spawn-queue priorities: replacements of crashed children go before first starts. */
export const SPAWN_PRIORITY = { start: 0, restart: 1 } as const;
