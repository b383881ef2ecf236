// `npm run db`: the embedded store as a standalone process.
// DATA_DIR (default ./data) holds the SQLite file; EMBEDDED_MONGO_PORT (default 27017) the port.
import { resolve } from 'node:path';
import pino from 'pino';
import { loggerOptions } from '../../logger.js';
import { startEmbeddedMongo } from './index.js';

const CLI_DEFAULTS = { dataDir: './data', port: 27017, logLevel: 'info' } as const satisfies Record<string, string | number>;

function portFromEnv(value: string | undefined): number {
  if (value === undefined || value === '') return CLI_DEFAULTS.port;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`EMBEDDED_MONGO_PORT must be a port number, got '${value}'`);
  }
  return port;
}

const logger = pino(loggerOptions(process.env.LOG_LEVEL ?? CLI_DEFAULTS.logLevel));

try {
  const store = await startEmbeddedMongo({
    dataDir: resolve(process.env.DATA_DIR || CLI_DEFAULTS.dataDir),
    port: portFromEnv(process.env.EMBEDDED_MONGO_PORT),
    logger,
  });
  const shutdown = (signal: NodeJS.Signals): void => {
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
} catch (error) {
  logger.fatal({ err: error }, 'embedded store failed to start');
  process.exitCode = 1;
}
