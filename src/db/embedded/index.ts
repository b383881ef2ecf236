import { once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import pino, { type Logger } from 'pino';
import { Dispatcher } from './commands/dispatcher.js';
import { EMBEDDED_MONGO_DEFAULTS } from './constants.js';
import { Catalog } from './engine/catalog.js';
import { CursorRegistry } from './engine/cursor-registry.js';
import { TtlSweeper } from './engine/ttl-sweeper.js';
import { MemoryPersistence } from './persistence/memory-persistence.js';
import type { Persistence } from './persistence/persistence.js';
import { SqlitePersistence } from './persistence/sqlite-persistence.js';
import { WireConnection } from './wire-connection.js';

/** Options of {@link startEmbeddedMongo}. */
export interface EmbeddedMongoOptions {
  /**
   * Directory for the SQLite file that makes writes durable. Without it the store lives in memory
   * and starts empty.
   * @defaultValue undefined (memory only)
   */
  dataDir?: string;
  /**
   * TCP port; 0 or undefined picks a free one.
   * @defaultValue 0
   */
  port?: number;
  /**
   * Interface to listen on.
   * @defaultValue '127.0.0.1'
   */
  host?: string;
  /**
   * Where malformed frames, failed commands and sweeps are logged.
   * @defaultValue a silent pino logger
   */
  logger?: Logger;
  /**
   * Interval between TTL sweeps (mongod's TTL monitor runs every 60 s).
   * @defaultValue 60000
   */
  ttlSweepIntervalMs?: number;
}

/** A running embedded store. */
export interface EmbeddedMongo {
  /** `mongodb://HOST:PORT` with no database path; callers append `/dbname`. */
  uri: string;
  port: number;
  /** Closes every connection, stops the timers and closes the SQLite database. */
  stop(): Promise<void>;
}

function openPersistence(dataDir: string | undefined): Persistence {
  return dataDir === undefined ? new MemoryPersistence() : new SqlitePersistence(dataDir);
}

/**
 * Starts a MongoDB-wire-compatible store (OP_MSG plus the OP_QUERY handshake) that mongoose and
 * the mongodb driver can use like a standalone mongod. See docs/embedded-store.md.
 */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const host = options.host ?? EMBEDDED_MONGO_DEFAULTS.host;
  const persistence = openPersistence(options.dataDir);
  const catalog = new Catalog(persistence);
  try {
    catalog.load(logger);
  } catch (error) {
    persistence.close();
    throw error;
  }
  const cursors = new CursorRegistry();
  const dispatcher = new Dispatcher({ catalog, cursors, persistence, logger });
  const connections = new Set<WireConnection>();
  let nextConnectionId = 1;

  const server = createServer((socket: Socket) => {
    const connection = new WireConnection(
      nextConnectionId++,
      socket,
      dispatcher,
      EMBEDDED_MONGO_DEFAULTS.maxMessageSizeBytes,
      logger,
    );
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
  });

  const sweeper = new TtlSweeper(
    catalog,
    persistence,
    options.ttlSweepIntervalMs ?? EMBEDDED_MONGO_DEFAULTS.ttlSweepIntervalMs,
    logger,
  );
  const cursorReaper = setInterval(() => cursors.reapIdle(EMBEDDED_MONGO_DEFAULTS.cursorTimeoutMs), 60_000);
  cursorReaper.unref();

  server.listen(options.port ?? 0, host);
  try {
    await once(server, 'listening');
  } catch (error) {
    sweeper.stop();
    clearInterval(cursorReaper);
    persistence.close();
    throw error;
  }
  server.on('error', (error) => logger.error({ err: error }, 'embedded store server error'));
  const { port } = server.address() as AddressInfo;
  const uri = `mongodb://${host}:${port}`;
  logger.info({ uri, dataDir: options.dataDir ?? null }, `embedded store listening on ${uri}`);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      sweeper.stop();
      clearInterval(cursorReaper);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of connections) connection.close();
      await closed;
      cursors.clear();
      persistence.close();
    })();
    return stopping;
  };

  return { uri, port, stop };
}
