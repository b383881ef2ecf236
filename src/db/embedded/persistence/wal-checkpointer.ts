import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { CheckpointFailure } from './checkpoint-failure-log.js';

/** One background checkpoint: WAL frames (`log`) and how many of them are back in the database. */
export interface CheckpointResult {
  log: number;
  checkpointed: number;
}

type ThreadMessage =
  | ({ type: 'checkpoint' } & CheckpointResult)
  | { type: 'recovered' }
  | { type: 'failed'; message: string; code?: string };

export interface WalCheckpointerEvents {
  checkpoint: [result: CheckpointResult];
  /** A checkpoint failed; the thread tries again at its next turn. */
  failed: [failure: CheckpointFailure];
  /** A checkpoint succeeded after failed ones. */
  recovered: [];
  /** The thread could not start or died: no more background checkpoints. */
  stopped: [message: string];
}

// Plain CommonJS, evaluated in the thread: the same text runs from source (tsx) and from the
// bundle. A PASSIVE checkpoint copies committed frames into the database file while the store
// keeps committing, and fsyncs the WAL and then the database as `synchronous = NORMAL` asks.
// Frames committed while it ran are chased at once (up to `chase` times): the WAL starts over
// from its beginning only when the store begins a transaction with every frame copied back.
// A failure is reported each time; the first success after failures once.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 0 });
db.pragma('synchronous = NORMAL');
function checkpoint() {
  let previous = -1;
  for (let i = 0; i < workerData.chase; i++) {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r.busy !== 0 || r.log === previous) return;
    previous = r.log;
    if (workerData.report) parentPort.postMessage({ type: 'checkpoint', log: r.log, checkpointed: r.checkpointed });
  }
}
let failing = false;
const timer = setInterval(() => {
  try {
    checkpoint();
    if (failing) parentPort.postMessage({ type: 'recovered' });
    failing = false;
  } catch (error) {
    failing = true;
    parentPort.postMessage({ type: 'failed', message: String(error && error.message), code: error && error.code });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface WalCheckpointerOptions {
  /** The SQLite database file (in WAL mode) whose WAL to checkpoint. */
  file: string;
  intervalMs: number;
  /** At most this many checkpoints in a row per interval, while new frames keep arriving. */
  chase: number;
  /** Emit `checkpoint` after each checkpoint the thread runs (tests; off otherwise). */
  report?: boolean;
}

/**
 * Checkpoints a WAL database from a thread of its own, on its own SQLite connection, so that the
 * fsyncs a checkpoint makes never hold the thread that runs the store's commands (SQLite's
 * automatic checkpoint runs inside the COMMIT that crosses its threshold). Emits `failed` at each
 * failed checkpoint and `recovered` at the first success after them, `stopped` when the thread
 * dies; SQLite's own checkpoints (past `walAutocheckpointPages`) are then the fallback.
 */
export class WalCheckpointer extends EventEmitter<WalCheckpointerEvents> {
  readonly #worker: Worker;
  readonly #exited: Promise<unknown>;

  constructor(options: WalCheckpointerOptions) {
    super();
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(THREAD_SOURCE, {
      eval: true,
      // Not the process's flags: an `--input-type=module` or a loader would change how the text runs.
      execArgv: [],
      workerData: { driver, file: options.file, intervalMs: options.intervalMs, chase: options.chase, report: options.report ?? false },
    });
    // Not events.once: it rejects on the thread's 'error', unhandled until stop() (a crash).
    this.#exited = new Promise((resolve) => this.#worker.once('exit', resolve));
    // A store that is not stopped (process.exit) must not be held up by this thread.
    this.#worker.unref();
    this.#worker.on('message', (message: ThreadMessage) => {
      if (message.type === 'checkpoint') this.emit('checkpoint', { log: message.log, checkpointed: message.checkpointed });
      else if (message.type === 'recovered') this.emit('recovered');
      else this.emit('failed', { message: message.message, code: message.code });
    });
    this.#worker.on('error', (error) => this.emit('stopped', error.message));
  }

  /** Stops checkpointing and closes the thread's connection; resolves once the thread has exited. */
  async stop(): Promise<void> {
    // Held by nothing else once the store's sockets are closed: without this the process could
    // exit while the thread closes, before the store's own connection removes the WAL.
    this.#worker.ref();
    this.#worker.postMessage('stop');
    await this.#exited;
  }
}
