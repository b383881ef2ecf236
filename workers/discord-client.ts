/**
 * Child process entry: one Discord account per process, forked by the supervisor with an IPC
 * channel. The token arrives in the `init` message only. Bundled into `dist/worker.cjs`.
 */
// First: it must apply before discord.js allocates anything.
import './lib/v8-tuning.js';
// Second: holds Node's lazy `FormData` while discord.js loads, so its internal undici stays unloaded.
import { releaseWebGlobals } from './lib/web-globals.js';
import { WORKER_EXIT_CODES } from './lib/exit-codes.js';
import { AccountWorker } from './lib/account-worker.js';
import { openIpcChannel } from './lib/ipc-channel.js';
import { createWorkerLogger } from './lib/logger.js';
import { signalStarted } from './lib/started-signal.js';

releaseWebGlobals();
const log = createWorkerLogger();

if (!process.send) {
  log.fatal('started without an IPC channel; the server forks this file');
  process.exit(WORKER_EXIT_CODES.crashed);
}

let worker: AccountWorker | undefined;
const ipc = openIpcChannel(process, log, {
  message: (msg) => worker?.handle(msg),
  initVersionMismatch: (v) => void worker?.fail('PROTOCOL_MISMATCH', `init of protocol version ${String(v)}`),
  disconnect: () => worker?.abandon(),
});
worker = new AccountWorker({
  ipc,
  log,
  exit: (code) => {
    // Messages sent in this turn (a last state, a fatal) are written before the process ends.
    ipc.flush();
    process.exit(code);
  },
  started: signalStarted,
});

process.on('uncaughtException', (error) => void worker?.crash(error, 'uncaught exception'));
process.on('unhandledRejection', (reason) => void worker?.crash(reason, 'unhandled rejection'));
// Ctrl-C reaches the whole process group: the server shuts its children down itself.
process.on('SIGINT', () => log.info('SIGINT ignored; waiting for the server to say shutdown'));
process.on('SIGTERM', () => void worker?.shutdown('SIGTERM'));
