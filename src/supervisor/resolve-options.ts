import { type Logger, pino } from 'pino';
import { SUPERVISOR_DEFAULTS } from './constants.js';
import type { InvalidRequestBudgetOptions } from './invalid-request-budget.js';
import type { RestartPolicy } from './restart-policy.js';
import type { SupervisorOptions, WorkerInit } from './types.js';

/** Supervisor options with every default filled in. */
export interface ResolvedOptions {
  resolveInit: (accountId: string) => Promise<WorkerInit>;
  workerPath: string;
  /** The boot loader forked in front of `workerPath`; undefined when the code cache is off. */
  bootPath: string | undefined;
  execArgv: readonly string[];
  env: NodeJS.ProcessEnv;
  discordApiUrl: string | undefined;
  spawnConcurrency: number;
  niceness: number;
  heartbeatIntervalMs: number;
  heartbeatMissThreshold: number;
  maxEventLoopLagMs: number;
  startTimeoutMs: number;
  readyTimeoutMs: number;
  requestTimeoutMs: number;
  shutdownGraceMs: number;
  maxRssBytes: number;
  sessionResumeWindowMs: number;
  restart: RestartPolicy;
  invalidRequests: InvalidRequestBudgetOptions;
  invalidRequestsPerOwner: number;
  logger: Logger;
  random: () => number;
}

/** The default log: pino NDJSON on stdout, with tokens redacted should one ever be logged. */
function defaultLogger(): Logger {
  return pino({ redact: ['token', '*.token', 'init.token', 'session', '*.session', 'init.session'] });
}

/** The server's environment minus everything not on the allowlist (keys, secrets). */
function allowlistedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of SUPERVISOR_DEFAULTS.childEnvAllowlist) {
    if (process.env[key] !== undefined) env[key] = process.env[key];
  }
  return env;
}

export function resolveOptions(options: SupervisorOptions): ResolvedOptions {
  const d = SUPERVISOR_DEFAULTS;
  return {
    resolveInit: options.resolveInit,
    workerPath: options.workerPath ?? d.workerPath,
    bootPath: (options.codeCache ?? d.codeCache) ? d.bootPath : undefined,
    execArgv: options.execArgv ?? d.execArgv,
    env: options.env ?? allowlistedEnv(),
    discordApiUrl: options.discordApiUrl,
    spawnConcurrency: options.spawnConcurrency ?? d.spawnConcurrency,
    niceness: options.niceness ?? d.niceness,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? d.heartbeatIntervalMs,
    heartbeatMissThreshold: options.heartbeatMissThreshold ?? d.heartbeatMissThreshold,
    maxEventLoopLagMs: options.maxEventLoopLagMs ?? d.maxEventLoopLagMs,
    startTimeoutMs: options.startTimeoutMs ?? d.startTimeoutMs,
    readyTimeoutMs: options.readyTimeoutMs ?? d.readyTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs ?? d.requestTimeoutMs,
    shutdownGraceMs: options.shutdownGraceMs ?? d.shutdownGraceMs,
    maxRssBytes: options.maxRssBytes ?? d.maxRssBytes,
    sessionResumeWindowMs: options.sessionResumeWindowMs ?? d.sessionResumeWindowMs,
    restart: { ...d.restart, ...options.restart },
    invalidRequests: { ...d.invalidRequests, ...options.invalidRequests },
    invalidRequestsPerOwner: options.invalidRequestsPerOwner ?? d.invalidRequestsPerOwner,
    logger: options.logger ?? defaultLogger(),
    random: options.random ?? Math.random,
  };
}
