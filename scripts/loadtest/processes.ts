/**
 * The processes a load test runs, each forked with execa: the fake Discord, the real server
 * (`node --import <probe> dist/server.js`) and, for the benchmarks, the baseline observer.
 * Their output goes to log files in the run's folder; nothing is buffered in memory.
 */
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { ProbeLog } from './probe-log.js';

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const SERVER_ENTRY = join(PROJECT_ROOT, 'dist/server.js');
const WORKER_ENTRY = join(PROJECT_ROOT, 'dist/worker.cjs');

/** How long a child may take to announce itself before the run gives up. */
const STARTUP_TIMEOUT_MS = 120_000;
/** The server's own graceful shutdown allows 20 s; SIGKILL only after that. */
const SERVER_STOP_GRACE_MS = 30_000;

/** The parts of an execa subprocess this module uses. */
interface Child extends PromiseLike<{ exitCode?: number | undefined; signal?: string | undefined }> {
  readonly pid?: number | undefined;
  readonly exitCode: number | null;
  readonly signalCode: NodeJS.Signals | null;
  kill(signal?: NodeJS.Signals): boolean;
}

export interface ManagedProcess {
  readonly pid: number;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process has exited. */
  stop(): Promise<void>;
  /** Resolves once the process has exited, however it happened. */
  readonly exited: Promise<void>;
}

/**
 * Runs scripts/build.mjs when the server or worker bundle is missing (or always, with `force`).
 * A server entry other than dist/server.js is the caller's to build.
 */
export async function ensureBuilt(force: boolean, log: (line: string) => void, serverEntry = SERVER_ENTRY): Promise<void> {
  if (resolve(PROJECT_ROOT, serverEntry) !== SERVER_ENTRY) {
    if (!existsSync(resolve(PROJECT_ROOT, serverEntry))) throw new Error(`no server bundle at ${serverEntry}`);
    return;
  }
  if (!force && existsSync(SERVER_ENTRY) && existsSync(WORKER_ENTRY)) return;
  log('building dist/ (scripts/build.mjs)…');
  await execa(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
}

function logTo(file: string): WriteStream {
  return createWriteStream(file, { flags: 'a' });
}

/** Rejects when the child exits before `ready` settles, with the tail of its log. */
function raceExit<T>(child: Child, ready: Promise<T>, what: string, logFile: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not start within ${STARTUP_TIMEOUT_MS} ms (log: ${logFile})`)), STARTUP_TIMEOUT_MS);
    void Promise.resolve(child).then((result) => reject(new Error(`${what} exited early (code ${result.exitCode}, signal ${result.signal}); log: ${logFile}`)));
  });
  return Promise.race([ready, failed]).finally(() => clearTimeout(timer));
}

function managed(child: Child, graceMs: number): ManagedProcess {
  return {
    pid: child.pid ?? -1,
    exited: Promise.resolve(child).then(() => undefined),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await Promise.resolve(child);
        clearTimeout(timer);
      }
      await Promise.resolve(child);
    },
  };
}

export interface FakeDiscordProcess extends ManagedProcess {
  /** `http://127.0.0.1:PORT`. */
  url: string;
}

/** `npm run fake-discord` (its CLI), on a free port; resolves once it printed its URL. */
export async function startFakeDiscord(opts: { logDir: string; heartbeatMs: number }): Promise<FakeDiscordProcess> {
  const logFile = join(opts.logDir, 'fake-discord.log');
  const child = execa(process.execPath, ['--import', 'tsx', 'fake-discord/cli.ts'], {
    cwd: PROJECT_ROOT,
    env: { FAKE_DISCORD_PORT: '0', FAKE_DISCORD_LOG_LEVEL: 'warn', FAKE_DISCORD_HEARTBEAT_MS: String(opts.heartbeatMs) },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    forceKillAfterDelay: false,
  });
  const log = logTo(logFile);
  child.stderr.pipe(log);
  const url = new Promise<string>((found) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      log.write(`${line}\n`);
      const match = /fake Discord listening on (http:\/\/[^\s)]+)/.exec(line);
      if (match?.[1]) found(match[1]);
    });
  });
  return { ...managed(child, 5_000), url: await raceExit(child, url, 'the fake Discord', logFile) };
}

export interface ServerProcess extends ManagedProcess {
  baseUrl: string;
  probe: ProbeLog;
}

export interface StartServerOptions {
  logDir: string;
  /** Names its log file, `<name>.log`. @defaultValue 'server' */
  name?: string | undefined;
  dataDir: string;
  probePath: string;
  discordApiUrl: string;
  logLevel: string;
  /** Extra environment (WORKER_SPAWN_CONCURRENCY, MONGODB_URI, …). */
  env: Record<string, string>;
  /** @defaultValue dist/server.js */
  serverEntry?: string | undefined;
  /** Extra node flags (profiling). @defaultValue [] */
  nodeArgs?: readonly string[] | undefined;
}

/**
 * The real server bundle with the probe preloaded, on a free port, with a fresh DATA_DIR (the
 * embedded store unless `env.MONGODB_URI` is set). Only PATH and the listed variables reach it.
 */
export async function startServer(opts: StartServerOptions): Promise<ServerProcess> {
  const logFile = join(opts.logDir, `${opts.name ?? 'server'}.log`);
  const child = execa(process.execPath, [...(opts.nodeArgs ?? []), '--import', opts.probePath, resolve(PROJECT_ROOT, opts.serverEntry ?? SERVER_ENTRY)], {
    cwd: PROJECT_ROOT,
    extendEnv: false,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: opts.dataDir,
      LOG_LEVEL: opts.logLevel,
      DISCORD_API_URL: opts.discordApiUrl,
      // Content comes from a gimme fixture on 127.0.0.1.
      CONTENT_ALLOW_PRIVATE_HOSTS: '1',
      // The harness is one user making thousands of calls; the limits are not what is measured.
      RATE_LIMIT_MAX: '1000000000',
      AUTH_RATE_LIMIT_MAX: '1000',
      MAX_ACCOUNTS_PER_USER: '0',
      MAX_FRIENDS_PER_USER: '0',
      LOADTEST_PROBE_FD: '3',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    buffer: false,
    reject: false,
    forceKillAfterDelay: false,
  });
  const log = logTo(logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const probe = new ProbeLog(child.stdio[3]);
  const ready = Promise.all([probe.listening, probe.attached]).then(([port]) => port);
  const port = await raceExit(child, ready, 'the server', logFile);
  return { ...managed(child, SERVER_STOP_GRACE_MS), baseUrl: `http://127.0.0.1:${port}`, probe };
}

export interface BaselineReport {
  userId: string;
  kind: string;
  name: string;
  at: number;
}

export interface BaselineProcess extends ManagedProcess {
  /** Presence changes its `presenceUpdate` showed, as they arrive. */
  readonly reports: BaselineReport[];
  readonly errors: string[];
}

/** The bare discord.js observer (baseline-observer.ts); resolves once its client is ready. */
export async function startBaselineObserver(opts: { logDir: string; token: string; apiUrl: string; reply: boolean }): Promise<BaselineProcess> {
  const logFile = join(opts.logDir, 'baseline-observer.log');
  const child = execa(process.execPath, ['--import', 'tsx', 'scripts/loadtest/baseline-observer.ts'], {
    cwd: PROJECT_ROOT,
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    forceKillAfterDelay: false,
  });
  const log = logTo(logFile);
  child.stderr.pipe(log);
  const reports: BaselineReport[] = [];
  const errors: string[] = [];
  const ready = new Promise<void>((done) => {
    createInterface({ input: child.stdout }).on('line', (text) => {
      let line: { t?: string; u?: string; k?: string; n?: string; at?: number; message?: string };
      try {
        line = JSON.parse(text) as typeof line;
      } catch {
        log.write(`${text}\n`);
        return;
      }
      if (line.t === 'p') reports.push({ userId: String(line.u), kind: String(line.k), name: String(line.n), at: Number(line.at) });
      else if (line.t === 'ready') {
        log.write(`${text}\n`);
        done();
      } else if (line.t === 'error') {
        log.write(`${text}\n`);
        if (errors.length < 100) errors.push(String(line.message));
      }
    });
  });
  child.stdin.write(`${JSON.stringify({ token: opts.token, apiUrl: opts.apiUrl, reply: opts.reply })}\n`);
  await raceExit(child, ready, 'the baseline observer', logFile);
  const base = managed(child, 5_000);
  return {
    ...base,
    reports,
    errors,
    async stop() {
      child.stdin.end();
      await base.stop();
    },
  };
}
