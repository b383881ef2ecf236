import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import mongoose, { type Connection } from 'mongoose';
import { storeUri } from '../db/embedded/index.js';
import { type OpenedStore, openEmbeddedStore } from '../db/embedded/open-store.js';
import { isDataDirInUse } from '../db/embedded/persistence/data-dir-lock.js';
import type { StoreProcessStatus } from '../db/embedded/store-child.js';
import { DB_TIMEOUTS, HEALTH_PING_TIMEOUT_MS, answersWithin } from '../db/unavailable.js';
import { createModels, type Models } from '../models/index.js';
import { ensurePrivateDir } from '../utils/private-files.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: {
      connection: Connection;
      models: Models;
      /** 'embedded' when the server started its own store. */
      kind: 'mongodb' | 'embedded';
      /**
       * The embedded store's own process: its pid, whether it is up, restarts by cause. Undefined
       * when there is none (MONGODB_URI, EMBEDDED_STORE=inline).
       */
      storeProcess(): StoreProcessStatus | undefined;
      /** True when the database answers a ping right now. */
      isUp(): Promise<boolean>;
      /**
       * Registers a background write (one nobody awaits, such as recording a worker's state),
       * so closing the app waits for it instead of cutting it off.
       */
      track(write: Promise<unknown>): void;
    };
  }
}

export interface DatabasePluginOptions {
  /**
   * When a running server holds the embedded store under DATA_DIR, connect to it (its socket or
   * EMBEDDED_MONGO_PORT) instead of failing: for one-shot commands such as `npm run admin`.
   */
  attachToRunningStore?: boolean;
}

const EMBEDDED_DB_NAME = 'discord-auto-content';
/** The embedded store's Unix socket, beside its SQLite file in DATA_DIR/db (0700). */
export const EMBEDDED_SOCKET_FILE = 'embedded-mongo.sock';

/**
 * Connects mongoose. Without MONGODB_URI it starts the embedded MongoDB-compatible store with
 * its data under DATA_DIR/db, reached over a Unix socket there (or EMBEDDED_MONGO_PORT), so
 * `npm start` needs no setup: in a child process of its own (restarted if it dies or hangs), or inside
 * the server with EMBEDDED_STORE=inline. Closes both on shutdown.
 */
export default fp(
  async function database(app: FastifyInstance, opts: DatabasePluginOptions) {
    const { MONGODB_URI, DATA_DIR, EMBEDDED_MONGO_PORT, EMBEDDED_STORE, LOG_LEVEL, ACTIVITY_RETENTION_DAYS, METRICS_RETENTION_DAYS } =
      app.config;
    let uri = MONGODB_URI;
    let embedded: OpenedStore | undefined;
    if (!uri) {
      ensurePrivateDir(DATA_DIR);
      const dataDir = resolve(DATA_DIR, 'db');
      // A private channel by default: the store has no authentication, so any local process that
      // reaches it could read password hashes. TCP only when asked for.
      const transport: { socketPath: string } | { port: number } =
        EMBEDDED_MONGO_PORT === undefined ? { socketPath: join(dataDir, EMBEDDED_SOCKET_FILE) } : { port: EMBEDDED_MONGO_PORT };
      try {
        embedded = await openEmbeddedStore({
          mode: EMBEDDED_STORE,
          dataDir,
          ...transport,
          logLevel: LOG_LEVEL,
          niceness: app.config.EMBEDDED_STORE_NICENESS,
          hangTimeoutMs: app.config.EMBEDDED_STORE_HANG_TIMEOUT_MS,
          nodeArgs: app.config.EMBEDDED_STORE_NODE_ARGS.split(' ').filter(Boolean),
          logger: app.log.child({ component: 'embedded-store' }) as never,
        });
      } catch (error) {
        // A one-shot command (npm run admin) while the server runs: use the server's store,
        // through the channel the server itself uses, instead of failing.
        if (!opts.attachToRunningStore || !isDataDirInUse(error) || ('socketPath' in transport && !existsSync(transport.socketPath))) throw error;
      }
      uri = `${embedded?.uri ?? storeUri(transport)}/${EMBEDDED_DB_NAME}`;
      if (embedded) {
        app.log.info(
          { uri, storePid: embedded.child?.pid ?? null },
          `embedded MongoDB-compatible store started ${embedded.child ? 'in its own process' : 'inside the server'} (set MONGODB_URI for production)`,
        );
      } else app.log.info({ uri }, 'the embedded store is held by a running server: using it');
    }
    const connection = mongoose.createConnection(uri, {
      // A hung database gives 503s within seconds, not requests stuck for minutes.
      ...DB_TIMEOUTS,
      // The API answers 503 instead of queueing requests forever while the database is down.
      bufferCommands: false,
      // Command events time every database command for /metrics (dac_db_command_seconds). They
      // decode every reply in full, so only when /metrics exists (METRICS_TOKEN set).
      monitorCommands: app.config.METRICS_TOKEN !== undefined,
    });
    await connection.asPromise();
    const models = createModels(connection, {
      activityRetentionDays: ACTIVITY_RETENTION_DAYS,
      metricsRetentionDays: METRICS_RETENTION_DAYS,
    });
    // Create collections and indexes before the first request, so unique indexes exist.
    await Promise.all(Object.values(models).map((m) => m.init()));

    const pending = new Set<Promise<unknown>>();
    app.decorate('db', {
      connection,
      models,
      kind: MONGODB_URI ? 'mongodb' : 'embedded',
      storeProcess: () => embedded?.child?.status(),
      async isUp() {
        const { db } = connection;
        if (connection.readyState !== mongoose.ConnectionStates.connected || !db) return false;
        return answersWithin(() => db.admin().ping(), HEALTH_PING_TIMEOUT_MS);
      },
      track(write) {
        const settled = write.catch(() => undefined).finally(() => pending.delete(settled));
        pending.add(settled);
      },
    });

    // Runs after the plugins registered later (supervisor, services) closed: their last writes
    // (workers stopping) are in `pending` by now.
    app.addHook('onClose', async () => {
      while (pending.size > 0) await Promise.all([...pending]);
      await connection.close();
      await embedded?.stop();
    });
  },
  { name: 'database', dependencies: ['config'] },
);
