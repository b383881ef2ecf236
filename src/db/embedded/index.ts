import { once } from 'node:events';
import { chmodSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import pino, { type Logger } from 'pino';
import { ChangeLog } from './changes/change-log.js';
import { ChangeStreams } from './changes/change-streams.js';
import { Dispatcher } from './commands/dispatcher.js';
import { EMBEDDED_MONGO_DEFAULTS } from './constants.js';
import { Catalog } from './engine/catalog.js';
import { CursorRegistry } from './engine/cursor-registry.js';
import { TtlSweeper } from './engine/ttl-sweeper.js';
import { unitOfWork } from './engine/unit-of-work.js';
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
   * Listen on this Unix socket instead of TCP (`port` and `host` are then ignored): only processes
   * that can enter its directory reach the store. The path must end in `.sock` (how the mongodb
   * driver tells a socket from a host) and fit in 107 bytes.
   * @defaultValue undefined (TCP)
   */
  socketPath?: string;
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
  /**
   * A connection stops reading requests while this many bytes of its replies are unsent, so a
   * client that pipelines commands without reading cannot grow the server.
   * @defaultValue 16 MiB
   */
  maxPendingReplyBytes?: number;
  /**
   * The longest a command may scan or sort before it fails with MaxTimeMSExpired (a command's own
   * smaller `maxTimeMS` wins), so one query cannot hold the store for everybody.
   * @defaultValue 10000
   */
  maxCommandTimeMs?: number;
  /**
   * Report a single-node replica set of this name (with change streams and retryable writes);
   * false: a standalone mongod (no change streams, as a real standalone).
   * @defaultValue 'rs0'
   */
  replicaSet?: string | false;
  /**
   * How many recent changes the store keeps for change streams to resume from.
   * @defaultValue 10000
   */
  changeHistorySize?: number;
}

/** A running embedded store. */
export interface EmbeddedMongo {
  /** `mongodb://HOST:PORT` (or the URL-encoded socket path) with no database path; callers append `/dbname`. */
  uri: string;
  /** The TCP port, or 0 on a Unix socket. */
  port: number;
  /** Open connections and the reply bytes they have not yet sent (bounded per connection). */
  stats(): { connections: number; pendingReplyBytes: number };
  /** Closes every connection, stops the timers and closes the SQLite database. */
  stop(): Promise<void>;
}

/** sun_path holds 108 bytes on Linux, including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

function checkSocketPath(path: string): void {
  if (!path.endsWith('.sock')) throw new Error(`embedded store socket path must end in .sock: ${path}`);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new Error(
      `embedded store socket path is longer than ${MAX_SOCKET_PATH_BYTES} bytes: ${path} (use a shorter DATA_DIR, or set EMBEDDED_MONGO_PORT for TCP)`,
    );
  }
}

function openPersistence(dataDir: string | undefined, logger: Logger): Persistence {
  return dataDir === undefined ? new MemoryPersistence() : new SqlitePersistence(dataDir, { logger });
}

/**
 * Starts a MongoDB-wire-compatible store (OP_MSG plus the OP_QUERY handshake) that mongoose and
 * the mongodb driver can use like a mongod 7.0 that is a one-node replica set (with change
 * streams). See docs/embedded-store.md.
 */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const host = options.host ?? EMBEDDED_MONGO_DEFAULTS.host;
  const { socketPath } = options;
  if (socketPath !== undefined) checkSocketPath(socketPath);
  const persistence = openPersistence(options.dataDir, logger);
  const changes = new ChangeLog(options.changeHistorySize ?? EMBEDDED_MONGO_DEFAULTS.changeHistorySize);
  const catalog = new Catalog(persistence, changes);
  try {
    catalog.load(logger);
  } catch (error) {
    await persistence.close();
    throw error;
  }
  const cursors = new CursorRegistry();
  const changeStreams = new ChangeStreams(changes, catalog);
  const replicaSet = options.replicaSet === undefined ? EMBEDDED_MONGO_DEFAULTS.replicaSetName : options.replicaSet || undefined;
  // Commands and TTL sweeps alike: one transaction each, its changes published once committed.
  const unit = unitOfWork(persistence, changes);
  const connections = new Set<WireConnection>();
  let nextConnectionId = 1;
  const dispatcher = new Dispatcher({
    connections: () => ({ current: connections.size, totalCreated: nextConnectionId - 1 }),
    catalog,
    cursors,
    unit,
    logger,
    maxCommandTimeMs: options.maxCommandTimeMs ?? EMBEDDED_MONGO_DEFAULTS.maxCommandTimeMs,
    changeStreams,
    replicaSet,
  });

  const server = createServer((socket: Socket) => {
    const connection = new WireConnection(nextConnectionId++, socket, dispatcher, logger, {
      socketPath,
      maxMessageSize: EMBEDDED_MONGO_DEFAULTS.maxMessageSizeBytes,
      maxPendingReplyBytes: options.maxPendingReplyBytes ?? EMBEDDED_MONGO_DEFAULTS.maxPendingReplyBytes,
    });
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
  });

  const sweeper = new TtlSweeper(
    catalog,
    unit,
    options.ttlSweepIntervalMs ?? EMBEDDED_MONGO_DEFAULTS.ttlSweepIntervalMs,
    logger,
  );
  const cursorReaper = setInterval(() => {
    cursors.reapIdle(EMBEDDED_MONGO_DEFAULTS.cursorTimeoutMs);
    changeStreams.reapIdle(EMBEDDED_MONGO_DEFAULTS.cursorTimeoutMs);
  }, 60_000);
  cursorReaper.unref();

  try {
    if (socketPath === undefined) {
      server.listen(options.port ?? 0, host);
    } else {
      // A socket file left by a crashed store: the data directory's lock, taken above, proves
      // no live store uses it.
      rmSync(socketPath, { force: true });
      server.listen(socketPath);
    }
    await once(server, 'listening');
    if (socketPath !== undefined) chmodSync(socketPath, 0o600);
  } catch (error) {
    sweeper.stop();
    clearInterval(cursorReaper);
    changeStreams.stop();
    await persistence.close();
    throw error;
  }
  server.on('error', (error) => logger.error({ err: error }, 'embedded store server error'));
  const port = socketPath === undefined ? (server.address() as AddressInfo).port : 0;
  const uri = storeUri(socketPath === undefined ? { host, port } : { socketPath });
  logger.info({ uri, dataDir: options.dataDir ?? null }, `embedded store listening on ${socketPath ?? uri}`);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      sweeper.stop();
      clearInterval(cursorReaper);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      changeStreams.stop();
      for (const connection of connections) connection.close();
      await closed;
      cursors.clear();
      await persistence.close();
    })();
    return stopping;
  };

  const stats = (): { connections: number; pendingReplyBytes: number } => {
    let pendingReplyBytes = 0;
    for (const connection of connections) pendingReplyBytes += connection.pendingReplyBytes;
    return { connections: connections.size, pendingReplyBytes };
  };

  return { uri, port, stats, stop };
}

/** The `mongodb://` URI (no database path) of a store listening on a Unix socket or a TCP port. */
export function storeUri(where: { socketPath: string } | { host?: string; port: number }): string {
  return 'socketPath' in where ? `mongodb://${encodeURIComponent(where.socketPath)}` : `mongodb://${where.host ?? EMBEDDED_MONGO_DEFAULTS.host}:${where.port}`;
}
