/**
 * A long-running child process for scripts (the demo's server and fake Discord): started with
 * execa in its own process group, its stdout read line by line, stopped with one signal, and
 * checked for leftovers (its own children) once it has exited.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { execa, type ResultPromise } from 'execa';

export interface ManagedProcessOptions {
  /** Used in messages: "server", "fake Discord". */
  name: string;
  file: string;
  args: string[];
  cwd?: string;
  /** The whole environment of the child: nothing is inherited. */
  env: Record<string, string | undefined>;
  /** Each line the child writes to stdout. */
  onLine?: (line: string) => void;
  /** How long `stop` waits after its signal before SIGKILL. @defaultValue 10_000 */
  stopTimeoutMs?: number;
  /**
   * Opens an IPC channel to the child, which the server, the fake Discord and the store's CLI
   * watch: when this script dies, even by SIGKILL, the channel closes and they stop as on SIGTERM.
   * @defaultValue false
   */
  ipc?: boolean;
}

export interface ExitInfo {
  exitCode: number | undefined;
  signal: string | undefined;
  /** True when `stop` had to SIGKILL it. */
  forced: boolean;
}

export interface StopResult extends ExitInfo {
  /** The signal `stop` sent; undefined when the process had already exited. */
  sent: NodeJS.Signals | undefined;
  /** Processes of its group (its workers) still alive after it exited, killed by `stop`. */
  leftovers: number[];
}

const STDERR_LINES_KEPT = 20;
const LEFTOVER_GRACE_MS = 2_000;

export class ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves when the process has exited, however it happened. */
  readonly exited: Promise<ExitInfo>;
  readonly #child: ResultPromise;
  readonly #stderr: string[] = [];
  readonly #lineWaiters = new Set<(line: string) => void>();
  #exit: ExitInfo | undefined;

  private constructor(options: ManagedProcessOptions) {
    this.name = options.name;
    this.#child = execa(options.file, options.args, {
      cwd: options.cwd,
      env: options.env,
      extendEnv: false,
      // Its own process group: a Ctrl-C on the terminal reaches only the script, which then
      // stops the child with exactly one signal (a second one makes the server exit 1).
      detached: true,
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      forceKillAfterDelay: options.stopTimeoutMs ?? 10_000,
      ipc: options.ipc ?? false,
    });
    const { pid, stdout, stderr } = this.#child;
    if (pid === undefined || !stdout || !stderr) throw new Error(`${options.name} could not be started`);
    this.pid = pid;
    createInterface({ input: stdout }).on('line', (line) => {
      options.onLine?.(line);
      for (const waiter of [...this.#lineWaiters]) waiter(line);
    });
    createInterface({ input: stderr }).on('line', (line) => {
      this.#stderr.push(line);
      if (this.#stderr.length > STDERR_LINES_KEPT) this.#stderr.shift();
    });
    this.exited = this.#child.then((result) => {
      this.#exit = {
        exitCode: result.exitCode,
        signal: result.signal,
        forced: result.isForcefullyTerminated,
      };
      return this.#exit;
    });
  }

  static start(options: ManagedProcessOptions): ManagedProcess {
    return new ManagedProcess(options);
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /** The last lines the child wrote to stderr, for error messages. */
  get stderrTail(): string {
    return this.#stderr.join('\n');
  }

  /**
   * Resolves with `match`'s first non-undefined answer for a stdout line written from now on;
   * rejects when the child exits first or after `timeoutMs`.
   */
  waitForLine<T>(match: (line: string) => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = (settle: () => void) => {
        this.#lineWaiters.delete(onLine);
        clearTimeout(timer);
        settle();
      };
      const onLine = (line: string) => {
        const found = match(line);
        if (found !== undefined) finish(() => resolve(found));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`${this.name} did not report ${what} within ${timeoutMs / 1000} s`))),
        timeoutMs,
      );
      this.#lineWaiters.add(onLine);
      void this.exited.then((exit) =>
        finish(() => reject(new Error(`${this.name} exited (${describeExit(exit)}) before ${what}\n${this.stderrTail}`))),
      );
    });
  }

  /**
   * Sends `signal` once, waits for the exit (SIGKILL after `stopTimeoutMs`), then kills whatever
   * is left of its process group and says which pids those were.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<StopResult> {
    const sent = this.running ? signal : undefined;
    if (sent) this.#child.kill(sent);
    const exit = await this.exited;
    return { ...exit, sent, leftovers: await this.#reapGroup() };
  }

  /** Last resort when the script itself is exiting: SIGKILL the whole group, synchronously. */
  killGroupNow(): void {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // Nothing left in the group.
    }
  }

  async #reapGroup(): Promise<number[]> {
    // Its children may still be on their way out; give them a moment before calling them left over.
    const deadline = Date.now() + LEFTOVER_GRACE_MS;
    let members = groupMembers(this.pid);
    while (members.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      members = groupMembers(this.pid);
    }
    if (members.length > 0) this.killGroupNow();
    return members;
  }
}

export function describeExit(exit: ExitInfo): string {
  const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.exitCode}`;
  return exit.forced ? `${how}, killed after the stop timeout` : how;
}

/** Live (not zombie) processes of a process group, from /proc; elsewhere a kill(0) probe. */
function groupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  const members: number[] = [];
  for (const entry of entries) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
  }
  return members;
}
