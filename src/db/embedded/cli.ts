// `npm run db`: the embedded store as a standalone process.
// DATA_DIR (default ./data) holds the SQLite file; EMBEDDED_MONGO_PORT (default 27017) the port.
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { loggerOptions } from '../../logger.js';
import { stopWithParent } from '../../utils/stop-with-parent.js';
import { startEmbeddedMongo } from './index.js';

const CLI_DEFAULTS = { dataDir: './data', port: 27017, logLevel: 'info' } as const satisfies Record<string, string | number>;
/**
 * When the script that started it is gone (`npm run cluster` killed), the nodes it served stop
 * at the same moment and store what they buffered: wait for their connections to close, this
 * long at most (a node's own shutdown limit is 20 s).
 */
const ORPHAN_DRAIN = { timeoutMs: 30_000, pollMs: 100 } as const;

function portFromEnv(value: string | undefined): number {
  if (value === undefined || value === '') return CLI_DEFAULTS.port;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`EMBEDDED_MONGO_PORT must be a port number, got '${value}'`);
  }
  return port;
}

async function untilNoClients(stats: () => { connections: number }): Promise<void> {
  const deadline = Date.now() + ORPHAN_DRAIN.timeoutMs;
  while (stats().connections > 0 && Date.now() < deadline) await sleep(ORPHAN_DRAIN.pollMs);
}

const logger = pino(loggerOptions(process.env.LOG_LEVEL ?? CLI_DEFAULTS.logLevel));

try {
  const store = await startEmbeddedMongo({
    dataDir: resolve(process.env.DATA_DIR || CLI_DEFAULTS.dataDir),
    port: portFromEnv(process.env.EMBEDDED_MONGO_PORT),
    logger,
  });
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals | 'disconnect'): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'embedded store stopping');
    store.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'embedded store failed to stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  stopWithParent(() => {
    logger.info('the process that started this store is gone: stopping once its clients have disconnected');
    void untilNoClients(() => store.stats()).then(() => shutdown('disconnect'));
  });
} catch (error) {
  logger.fatal({ err: error }, 'embedded store failed to start');
  process.exitCode = 1;
}
