import { type ChildProcess, fork } from 'node:child_process';
import type { Logger } from 'pino';
import { SupervisorError } from './errors.js';
import { relayLines, scrubSecrets } from './log-relay.js';
import { PendingRequests } from './pending-requests.js';
import { lowerPriority } from '../utils/process-priority.js';
import { type ChildMessage, ParentOp, type ParentMessage, parseChildMessage } from '../ipc/index.js';
import { BatchedSender, unbatch } from '../ipc/batch.js';

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Timers a handle may hold; arming one again replaces it. */
export type HandleTimer = 'start' | 'ready' | 'heartbeat' | 'kill';

export interface SpawnWorkerOptions {
  accountId: string;
  workerPath: string;
  /** When set, this is forked with `workerPath` as its argument (the code-cache boot loader). */
  bootPath?: string | undefined;
  execArgv: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Nice steps below the server the child runs at (0 = the same priority); see worker-priority.ts. */
  niceness: number;
  /** Logger bound to the account; child output and dropped messages go here. */
  logger: Logger;
  /** Strings scrubbed from relayed output (the token). */
  secrets: readonly string[];
  maxLogLineChars: number;
  /** Called with every well-formed message; malformed ones are logged and dropped here. */
  onMessage: (message: ChildMessage, handle: WorkerHandle) => void;
  /** Called once, after pending requests were rejected and timers cleared. */
  onExit: (exit: WorkerExit, handle: WorkerHandle) => void;
}

const PREVIEW_CHARS = 200;
/** Upper bound on waiting for the IPC channel to drain after the child has exited. */
const IPC_DRAIN_MS = 500;

/**
 * One child process: the process, its in-flight requests and its timers. Destroying it (or the
 * child exiting) clears the timers and fails every in-flight request at once.
 */
export class WorkerHandle {
  readonly accountId: string;
  readonly child: ChildProcess;
  readonly requests = new PendingRequests();
  /** Resolves when the child has exited (never rejects). */
  readonly exited: Promise<WorkerExit>;
  readonly #timers = new Map<HandleTimer, NodeJS.Timeout>();
  readonly #logger: Logger;
  /** What is sent to the child in one turn goes out as one write (src/ipc/batch.ts). */
  readonly #sender: BatchedSender;
  #exit: WorkerExit | undefined;
  #heardFrom = false;
  #messageCount = 0;
  #resolveHeard!: () => void;
  /** Resolves on the child's first well-formed message, or when it exits. */
  readonly heardFrom: Promise<void>;

  private constructor(options: SpawnWorkerOptions, child: ChildProcess) {
    this.accountId = options.accountId;
    this.child = child;
    this.#logger = options.logger;
    this.#sender = new BatchedSender((payload, done) => child.send(payload as object, done));
    this.heardFrom = new Promise((resolve) => {
      this.#resolveHeard = resolve;
    });
    let resolveExited!: (exit: WorkerExit) => void;
    this.exited = new Promise((resolve) => {
      resolveExited = resolve;
    });

    const finish = (exit: WorkerExit): void => {
      if (this.#exit !== undefined) return;
      this.#exit = exit;
      this.destroy();
      this.#resolveHeard();
      options.onExit(exit, this);
      resolveExited(exit);
    };
    child.once('exit', (code, signal) => {
      // Messages the child sent just before dying (a `fatal`, a last reply) may still be in the
      // IPC socket: read them all (the channel closes right after) before settling the exit.
      if (!child.connected) return finish({ code, signal });
      const drained = setTimeout(() => finish({ code, signal }), IPC_DRAIN_MS);
      child.once('disconnect', () => {
        clearTimeout(drained);
        finish({ code, signal });
      });
    });
    child.on('error', (err) => {
      this.#logger.error({ err }, 'worker process error');
      // A failed spawn emits 'error' and maybe never 'exit'.
      if (child.pid === undefined) finish({ code: null, signal: null });
    });
    // What the child sent in one turn arrives as one batch: each entry is parsed on its own.
    child.on('message', (raw: unknown) => {
      for (const entry of unbatch(raw)) this.#receive(entry, options);
    });

    const relay = { logger: this.#logger, secrets: options.secrets, maxLineChars: options.maxLogLineChars };
    if (child.stdout) relayLines(child.stdout, { ...relay, fallbackLevel: 'info' });
    if (child.stderr) relayLines(child.stderr, { ...relay, fallbackLevel: 'warn' });
  }

  /**
   * Forks the child with an IPC channel and piped output. Nothing secret goes into argv or env:
   * the token travels later, in the `init` message.
   */
  static spawn(options: SpawnWorkerOptions): WorkerHandle {
    const { bootPath, workerPath } = options;
    const child = fork(bootPath ?? workerPath, bootPath ? [workerPath] : [], {
      execArgv: [...options.execArgv],
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    if (options.niceness > 0 && child.pid !== undefined && lowerPriority(child.pid, options.niceness) === undefined) {
      options.logger.warn({ niceness: options.niceness }, 'worker priority not lowered');
    }
    return new WorkerHandle(options, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Well-formed messages received so far. */
  get messageCount(): number {
    return this.#messageCount;
  }

  get hasExited(): boolean {
    return this.#exit !== undefined;
  }

  /**
   * Writes one message to the child (a `deliver` at the end of this turn, with the others sent in
   * it); rejects when the channel is closed.
   */
  send(message: ParentMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.hasExited || !this.child.connected) {
        reject(this.#sendError(message.type));
        return;
      }
      try {
        // Deliveries come in bursts and are gathered to the end of the turn; anything else (a friend
        // list, a lease, a shutdown) is written at once, as its caller may count on it being sent.
        const now = message.type !== ParentOp.Deliver;
        this.#sender.send(message, (err) => (err ? reject(this.#sendError(message.type, err)) : resolve()), now);
      } catch (err) {
        reject(this.#sendError(message.type, err));
      }
    });
  }

  /** Sends a request and waits for the reply with the same id, at most `timeoutMs`. */
  request<T>(message: ParentMessage & { requestId: number }, timeoutMs: number): Promise<T> {
    if (this.hasExited) return Promise.reject(this.#exitedError(message.type));
    const reply = this.requests.add<T>(
      message.requestId,
      timeoutMs,
      () =>
        new SupervisorError('REQUEST_TIMEOUT', `worker did not answer ${message.type} within ${timeoutMs} ms`, {
          accountId: this.accountId,
          op: message.type,
          retryable: true,
        }),
    );
    this.send(message).catch((err: Error) => this.requests.reject(message.requestId, err));
    return reply;
  }

  arm(name: HandleTimer, ms: number, onFire: () => void): void {
    this.disarm(name);
    if (this.hasExited) return;
    this.#timers.set(
      name,
      setTimeout(() => {
        this.#timers.delete(name);
        onFire();
      }, ms),
    );
  }

  disarm(name: HandleTimer): void {
    const timer = this.#timers.get(name);
    if (timer !== undefined) clearTimeout(timer);
    this.#timers.delete(name);
  }

  /** Restarts a running timer's countdown (used for the heartbeat watchdog). */
  refresh(name: HandleTimer): void {
    this.#timers.get(name)?.refresh();
  }

  isArmed(name: HandleTimer): boolean {
    return this.#timers.has(name);
  }

  /** Sends a signal if the child is still running. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.hasExited || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
  }

  /** Clears every timer and fails every in-flight request; kills the child if still alive. */
  destroy(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.requests.rejectAll((id) => this.#exitedError(`request ${id}`));
    this.kill('SIGKILL');
  }

  #receive(raw: unknown, options: SpawnWorkerOptions): void {
    const parsed = parseChildMessage(raw);
    if (!parsed.ok) {
      this.#logger.warn({ reason: parsed.reason, preview: preview(raw, options.secrets) }, 'malformed IPC message from worker dropped');
      return;
    }
    const message = parsed.message;
    this.#messageCount += 1;
    if (!this.#heardFrom) {
      this.#heardFrom = true;
      this.#resolveHeard();
    }
    options.onMessage(message, this);
  }

  #exitedError(op: string): SupervisorError {
    return new SupervisorError('WORKER_EXITED', 'worker exited before answering', {
      accountId: this.accountId,
      op,
      retryable: true,
    });
  }

  #sendError(op: string, cause?: unknown): SupervisorError {
    // A write that finds the channel gone means the worker has exited (or is exiting) before
    // answering — the same outcome, whether the write or the exit is noticed first (deliveries
    // are written at the end of the turn, so a worker killed in that turn fails the write).
    if (CHANNEL_GONE.has((cause as { code?: unknown } | undefined)?.code as string)) return this.#exitedError(op);
    return new SupervisorError('IPC_SEND_FAILED', `could not send ${op} to the worker`, {
      accountId: this.accountId,
      op,
      retryable: true,
      cause,
    });
  }
}

/** Write errors that mean the worker's end of the channel is gone. */
const CHANNEL_GONE = new Set(['EPIPE', 'ECONNRESET', 'ERR_IPC_CHANNEL_CLOSED']);

/** A short, token-free rendering of a dropped message for the log. */
function preview(raw: unknown, secrets: readonly string[]): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = String(raw);
  }
  text = scrubSecrets(text, secrets);
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}
