import { EventEmitter, once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** One background checkpoint: WAL frames (`log`) and how many of them are back in the database. */
export interface CheckpointResult {
  log: number;
  checkpointed: number;
}

export interface WalCheckpointerEvents {
  checkpoint: [result: CheckpointResult];
  failed: [message: string];
}

// Plain CommonJS, evaluated in the thread: the same text runs from source (tsx) and from the
// bundle. A PASSIVE checkpoint copies committed frames into the database file while the store
// keeps committing, and fsyncs the WAL and then the database as `synchronous = NORMAL` asks.
// Frames committed while it ran are chased at once (up to `chase` times): the WAL starts over
// from its beginning only when the store begins a transaction with every frame copied back.
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
const timer = setInterval(() => {
  try { checkpoint(); } catch (error) { parentPort.postMessage({ type: 'error', message: String(error && error.message) }); }
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
 * automatic checkpoint runs inside the COMMIT that crosses its threshold). Emits `failed` with a
 * message when a checkpoint fails or the thread dies; checkpoints then fall back to SQLite's own.
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
    this.#exited = once(this.#worker, 'exit');
    // A store that is not stopped (process.exit) must not be held up by this thread.
    this.#worker.unref();
    this.#worker.on('message', (message: { type: string; message?: string; log?: number; checkpointed?: number }) => {
      if (message.type === 'checkpoint') this.emit('checkpoint', { log: message.log ?? 0, checkpointed: message.checkpointed ?? 0 });
      else this.emit('failed', message.message ?? 'checkpoint failed');
    });
    this.#worker.on('error', (error) => this.emit('failed', error.message));
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
