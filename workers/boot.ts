/**
 * Boot loader of the worker, forked by the supervisor in place of the bundle (argv[2]): runs the
 * bundle through a V8 code cache kept beside it (lib/code-cache.ts), and writes that cache once
 * the worker is ready, when it holds every function start-up compiled. Bundled on its own into
 * `dist/worker-boot.cjs`; it loads nothing but Node's built-ins, so it costs no start-up itself.
 */
// Before compiling: V8 refuses a cache made under other flags, and the bundle sets this one too.
import './lib/v8-tuning.js';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { runBundle } from './lib/code-cache.js';
import { WORKER_EXIT_CODES } from './lib/exit-codes.js';
import { onceStarted } from './lib/started-signal.js';

const LEVELS = { debug: 20, info: 30, warn: 40, fatal: 60 } as const;
const threshold = LEVELS[process.env.LOG_LEVEL as keyof typeof LEVELS] ?? LEVELS.info;

/** One line in the worker's log format (pino NDJSON on stdout), without loading pino. */
function log(level: keyof typeof LEVELS, msg: string, fields: Record<string, unknown>): void {
  if (LEVELS[level] < threshold) return;
  const line = { level: LEVELS[level], time: Date.now(), pid: process.pid, hostname: hostname(), name: 'worker-boot', ...fields, msg };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

const bundle = process.argv[2];
if (!bundle) {
  log('fatal', 'no bundle to run: the server forks this file with the worker bundle as its argument', {});
  process.exit(WORKER_EXIT_CODES.crashed);
}

const run = runBundle(resolve(bundle));
log(run.status === 'accepted' ? 'debug' : 'info', `code cache ${run.status}`, { codeCache: run.cacheFile });
onceStarted(() => {
  // After the `ready` message has gone out: serialising the cache takes the CPU for a moment.
  setImmediate(() => {
    const outcome = run.save();
    if (outcome === 'written') log('info', 'code cache written', { codeCache: run.cacheFile });
    else if (outcome !== 'kept') log('warn', 'code cache not written; the next start compiles again', { codeCache: run.cacheFile, reason: outcome.failed });
  });
});
