import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import {
  type ActivityEvent,
  type ChildMessage,
  type InitMessage,
  message,
  parseChildMessage,
  unbatch,
  WORKER_INTENTS,
} from '../../../src/ipc/index.js';

export const WORKER_PATH = resolve(import.meta.dirname, '../../../dist/worker.cjs');
/** The boot loader the supervisor forks, which runs a bundle through the V8 code cache. */
export const BOOT_PATH = resolve(import.meta.dirname, '../../../dist/worker-boot.cjs');

export interface WorkerProcessOptions {
  /** Fork the boot loader with this bundle, as the supervisor does; else `dist/worker.cjs` itself. */
  bootBundle?: string;
  env?: NodeJS.ProcessEnv;
  /** Node options added to the supervisor-like heap cap (e.g. `--import` a preload fixture). */
  execArgv?: string[];
}

/** Generous: two cores are shared by several test runs and engineers. */
const WAIT_MS = 20_000;

type Of<T extends ChildMessage['type']> = Extract<ChildMessage, { type: T }>;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The bundled worker, forked the way the supervisor forks it, with everything it says kept:
 * IPC messages in order, and stdout/stderr as text (to check what it logs, and what it never does).
 */
export class WorkerProcess {
  readonly child: ChildProcess;
  readonly messages: ChildMessage[] = [];
  /** The types in each batch the worker wrote (several messages of one turn in one write). */
  readonly batches: string[][] = [];
  output = '';
  readonly exited: Promise<ExitInfo>;
  #waiters = new Set<() => void>();

  constructor({ bootBundle, env, execArgv = [] }: WorkerProcessOptions = {}) {
    this.child = fork(bootBundle ? BOOT_PATH : WORKER_PATH, bootBundle ? [bootBundle] : [], {
      ...(env && { env }),
      serialization: 'json',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: ['--max-old-space-size=128', ...execArgv],
    });
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({ code, signal }));
    this.child.on('message', (raw) => {
      const entries = unbatch(raw);
      if (entries[0] !== raw) this.batches.push(entries.map((e) => String((e as { type?: unknown }).type)));
      for (const entry of entries) {
        const parsed = parseChildMessage(entry);
        if (!parsed.ok) throw new Error(`worker sent a malformed message (${parsed.reason}): ${JSON.stringify(entry)}`);
        this.messages.push(parsed.message);
      }
      this.#wake();
    });
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
      this.#wake();
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    void this.exited.then(() => this.#wake());
  }

  send(msg: unknown): void {
    this.child.send(msg as object);
  }

  init(fields: Pick<InitMessage, 'token' | 'friends' | 'discordApiUrl'> & Partial<InitMessage>): void {
    this.send(
      message<InitMessage>({
        type: 'init',
        accountId: 'account-1',
        intents: WORKER_INTENTS,
        settings: { heartbeatIntervalMs: 500, loginTimeoutMs: 20_000, deliveryTimeoutMs: 10_000 },
        ...fields,
      }),
    );
  }

  /** Messages of one type received so far, optionally filtered. */
  all<T extends ChildMessage['type']>(type: T, where: (m: Of<T>) => boolean = () => true): Of<T>[] {
    return this.messages.filter((m): m is Of<T> => m.type === type && where(m as Of<T>));
  }

  /** Activity events received so far, across messages, optionally filtered. */
  events(where: (e: ActivityEvent) => boolean = () => true): ActivityEvent[] {
    return this.all('activity').flatMap((m) => m.events.filter(where));
  }

  /** The first activity event matching `where`, received already or later. */
  waitForEvent(where: (e: ActivityEvent) => boolean, timeoutMs = WAIT_MS): Promise<ActivityEvent> {
    return this.#until(() => this.events(where)[0], 'an activity event', timeoutMs);
  }

  /** The first message of `type` matching `where`, received already or later. */
  waitFor<T extends ChildMessage['type']>(
    type: T,
    where: (m: Of<T>) => boolean = () => true,
    timeoutMs = WAIT_MS,
  ): Promise<Of<T>> {
    return this.#until(() => this.all(type, where)[0], `a ${type} message`, timeoutMs);
  }

  /** Resolves once stdout/stderr contain `text`. */
  waitForOutput(text: string, timeoutMs = WAIT_MS): Promise<true> {
    return this.#until(() => this.output.includes(text) || undefined, `output "${text}"`, timeoutMs);
  }

  /** Resolves with the exit, or rejects if the process is still alive after `timeoutMs`. */
  waitForExit(timeoutMs = WAIT_MS): Promise<ExitInfo> {
    return Promise.race([
      this.exited,
      new Promise<never>((_, reject) => {
        setTimeout(() => reject(new Error(`worker still running after ${timeoutMs} ms`)), timeoutMs).unref();
      }),
    ]);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  #until<R>(check: () => R | undefined, what: string, timeoutMs: number): Promise<R> {
    return new Promise((resolvePromise, reject) => {
      const poll = () => {
        const found = check();
        if (found === undefined) return;
        finish();
        resolvePromise(found);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${this.#summary()}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(poll);
      };
      this.#waiters.add(poll);
      poll();
    });
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  #summary(): string {
    const types = this.messages.filter((m) => m.type !== 'heartbeat').map((m) => m.type);
    return `[${types.join(', ')}], exit ${this.child.exitCode ?? this.child.signalCode ?? 'none'}`;
  }
}
