import { type ChildProcess, fork } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { relayLines } from '../../supervisor/log-relay.js';
import { exponentialDelay } from '../../utils/backoff.js';
import { lowerPriority } from '../../utils/process-priority.js';
import { LivenessWatch } from './liveness-watch.js';
import { type StoreProcessConfig, parseStoreChildMessage } from './store-messages.js';

/** The file the server forks for its store, and the node flags it needs. */
export interface StoreEntry {
  path: string;
  execArgv: string[];
}

/**
 * Where the store process's code is: `store.js` beside the bundled server (dist/), or the
 * TypeScript entry through the tsx loader when the server itself runs from source (tsx, tests).
 * Undefined when neither is there (a server bundle without its store, source without tsx).
 */
export function findStoreEntry(moduleUrl = import.meta.url): StoreEntry | undefined {
  const here = fileURLToPath(moduleUrl);
  if (!here.endsWith('.ts')) {
    const bundled = join(dirname(here), 'store.js');
    return existsSync(bundled) ? { path: bundled, execArgv: [] } : undefined;
  }
  const source = join(dirname(here), 'store-process.ts');
  try {
    // By absolute URL: a bare `--import tsx` would resolve from the working directory.
    const loader = pathToFileURL(createRequire(here).resolve('tsx')).href;
    return { path: source, execArgv: ['--import', loader] };
  } catch {
    const bundled = resolve(dirname(here), '../../../dist/store.js');
    return existsSync(bundled) ? { path: bundled, execArgv: [] } : undefined;
  }
}

/** Defaults of {@link StoreChild}. */
export const STORE_CHILD_DEFAULTS = {
  /** First restart after a crash waits this long, doubling per crash in a row … */
  restartBaseMs: 250,
  /** … up to this. */
  restartMaxMs: 30_000,
  /** A store that ran this long before it crashed restarts at the base delay again. */
  stableMs: 60_000,
  /** A child not `ready` within this is killed (then restarted, or start() fails). */
  startTimeoutMs: 30_000,
  /** After `stop`, SIGKILL if the child has not exited within this. */
  stopTimeoutMs: 10_000,
  maxLogLineChars: 16_384,
  /** Nice steps below the server the store runs at (0 = the server's priority; docs/performance.md). */
  niceness: 0,
  /** Extra node flags for the store process (e.g. `--trace-gc`), after the entry's own. */
  nodeArgs: [] as readonly string[],
  /**
   * A ready store that leaves the server's ping unanswered this long is hung: SIGKILLed, then
   * restarted like a crash (0 = never). The ping is answered by the loop that runs the commands,
   * and one command may keep that loop busy for its whole 10 s budget (maxCommandTimeMs) plus
   * unbudgeted work (its writes, the reply's encoding, a full GC, a slow disk's fsync, a starved
   * CPU): at six times the budget a store doing such work is not taken for a hung one.
   */
  hangTimeoutMs: 60_000,
};

export interface StoreChildOptions extends Partial<typeof STORE_CHILD_DEFAULTS> {
  entry: StoreEntry;
  config: StoreProcessConfig;
  /** The store's relayed lines and the restarts go here (bound to `component: 'embedded-store'`). */
  logger: Logger;
}

/** What the server shows of its store process (`GET /api/status`, `/metrics`). */
export interface StoreProcessStatus {
  /** The running store process (none while it restarts). */
  pid: number | undefined;
  /** A store process is ready and not found hung. */
  up: boolean;
  /** When the current (or, while it restarts, the last) store process became ready, epoch ms. */
  startedAt: number;
  /** Store processes forked again since the server started: after a crash, after a hang (killed). */
  restarts: { crash: number; hang: number };
}

export interface StoreChildEvents {
  /** A store process is listening (the first one and every restart). */
  ready: [pid: number];
  /** A store process exited; `restarting` unless the server is stopping it. */
  exit: [exit: { pid: number; code: number | null; signal: NodeJS.Signals | null; restarting: boolean }];
  /** A store process left a ping unanswered for `hangTimeoutMs`; it is being killed. */
  hung: [hang: { pid: number; silentMs: number }];
}

/**
 * The embedded store as a child process of the server: forked at start (start() resolves once it
 * listens), pinged while it runs, restarted with exponential backoff if it dies or stops answering
 * (killed first), asked to stop when the server closes (SIGKILL after a timeout). The child exits
 * by itself when the server dies (IPC disconnect).
 */
export class StoreChild extends EventEmitter<StoreChildEvents> {
  readonly #options: StoreChildOptions & typeof STORE_CHILD_DEFAULTS;
  readonly #logger: Logger;
  #config: StoreProcessConfig;
  #child: ChildProcess | undefined;
  #uri = '';
  #readyAt = 0;
  #up = false;
  #crashes = 0;
  readonly #restarts = { crash: 0, hang: 0 };
  /** The process the liveness watch killed: its exit restarts it as a hang, not a crash. */
  #killedHung: ChildProcess | undefined;
  #stopping = false;
  #restartTimer: NodeJS.Timeout | undefined;
  #liveness: LivenessWatch | undefined;

  private constructor(options: StoreChildOptions) {
    super();
    this.#options = { ...STORE_CHILD_DEFAULTS, ...options };
    this.#logger = options.logger;
    this.#config = options.config;
  }

  /** Forks the store and resolves once it listens; rejects (nothing left running) if it cannot start. */
  static async start(options: StoreChildOptions): Promise<StoreChild> {
    const store = new StoreChild(options);
    await store.#spawn();
    return store;
  }

  /** `mongodb://…` of the store, without a database path (the same across restarts). */
  get uri(): string {
    return this.#uri;
  }

  /** The running store process, if any (none while it restarts). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Its figures now: restarts by cause, the current process, whether it is up. */
  status(): StoreProcessStatus {
    return { pid: this.pid, up: this.#up, startedAt: this.#readyAt, restarts: { ...this.#restarts } };
  }

  /** Asks the store to close and waits for the process to exit; no restart after this. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    // A store busy closing is not a hung one.
    this.#liveness?.stop();
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    const kill = setTimeout(() => {
      this.#logger.warn({ storePid: child.pid }, 'embedded store did not stop in time; killing it');
      child.kill('SIGKILL');
    }, this.#options.stopTimeoutMs);
    if (child.connected) child.send({ type: 'stop' }, (error) => error && child.kill('SIGKILL'));
    else child.kill('SIGKILL');
    await exited;
    clearTimeout(kill);
  }

  #spawn(): Promise<void> {
    const { entry, maxLogLineChars } = this.#options;
    const child = fork(entry.path, [JSON.stringify(this.#config)], {
      execArgv: [...entry.execArgv, ...this.#options.nodeArgs],
      // The store needs nothing from the server's environment (which holds its secrets).
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const { niceness } = this.#options;
    if (niceness > 0 && child.pid !== undefined && lowerPriority(child.pid, niceness) === undefined) {
      this.#logger.warn({ niceness }, 'embedded store priority not lowered');
    }
    this.#child = child;
    const pid = child.pid ?? 0;
    const logger = this.#logger.child({ storePid: pid });
    const relay = { logger, secrets: [], maxLineChars: maxLogLineChars };
    if (child.stdout) relayLines(child.stdout, { ...relay, fallbackLevel: 'info' });
    if (child.stderr) relayLines(child.stderr, { ...relay, fallbackLevel: 'warn' });

    return new Promise((resolveReady, rejectReady) => {
      let ready = false;
      let failure: string | undefined;
      const startTimer = setTimeout(() => {
        failure = `not ready within ${this.#options.startTimeoutMs} ms`;
        child.kill('SIGKILL');
      }, this.#options.startTimeoutMs);
      child.on('message', (raw: unknown) => {
        const message = parseStoreChildMessage(raw);
        if (!message) return logger.warn('dropped a malformed IPC message from the embedded store');
        if (message.type === 'pong') this.#liveness?.answered(message.seq);
        else if (message.type === 'failed') failure = message.message;
        else if (!ready) {
          ready = true;
          clearTimeout(startTimer);
          this.#onReady(message.uri, message.port, child);
          resolveReady();
        }
      });
      child.on('error', (error) => logger.error({ err: error }, 'embedded store process error'));
      child.once('exit', (code, signal) => {
        clearTimeout(startTimer);
        if (this.#child === child) {
          this.#child = undefined;
          this.#up = false;
          this.#liveness?.stop();
        }
        const restarting = !this.#stopping && this.#uri !== '';
        this.emit('exit', { pid, code, signal, restarting });
        if (!ready) rejectReady(new Error(failure ?? `embedded store process exited before it was ready (code ${code}, signal ${signal})`));
        if (restarting) this.#scheduleRestart({ code, signal, failure }, ready, this.#killedHung === child ? 'hang' : 'crash');
      });
    });
  }

  #onReady(uri: string, port: number, child: ChildProcess): void {
    const pid = child.pid ?? 0;
    if (this.#uri === '') {
      this.#uri = uri;
      // A restart listens where the driver already looks: the port first picked, not a new one.
      if (this.#config.socketPath === undefined) this.#config = { ...this.#config, port };
    }
    this.#readyAt = Date.now();
    this.#up = true;
    this.#logger.info({ storePid: pid, uri }, 'embedded store process ready');
    if (this.#options.hangTimeoutMs > 0 && !this.#stopping) this.#watch(child, pid);
    this.emit('ready', pid);
  }

  /** Pings the ready store; one that stops answering is killed, and its exit restarts it. */
  #watch(child: ChildProcess, pid: number): void {
    const { hangTimeoutMs } = this.#options;
    this.#liveness = new LivenessWatch({
      timeoutMs: hangTimeoutMs,
      ping: (seq) => {
        if (child.connected) child.send({ type: 'ping', seq }, () => undefined);
      },
      onHung: (silentMs) => {
        this.#logger.error({ storePid: pid, silentMs, hangTimeoutMs }, 'embedded store process not answering; killing it');
        this.#up = false;
        this.#killedHung = child;
        this.emit('hung', { pid, silentMs });
        child.kill('SIGKILL');
      },
    });
  }

  #scheduleRestart(
    exit: { code: number | null; signal: NodeJS.Signals | null; failure: string | undefined },
    wasReady: boolean,
    cause: keyof StoreProcessStatus['restarts'],
  ) {
    if (wasReady && Date.now() - this.#readyAt >= this.#options.stableMs) this.#crashes = 0;
    const delayMs = exponentialDelay(this.#crashes, this.#options.restartBaseMs, this.#options.restartMaxMs);
    this.#crashes += 1;
    this.#logger.error({ ...exit, cause, crashes: this.#crashes, delayMs }, 'embedded store process exited; restarting it');
    this.#restartTimer = setTimeout(() => {
      if (this.#stopping) return;
      this.#restarts[cause] += 1;
      // A failed restart exits, and its exit schedules the next try.
      this.#spawn().catch(() => undefined);
    }, delayMs);
  }
}
