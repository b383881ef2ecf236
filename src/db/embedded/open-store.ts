import type { Logger } from 'pino';
import { startEmbeddedMongo } from './index.js';
import { StoreChild, type StoreEntry, findStoreEntry } from './store-child.js';
import { type StoreProcessConfig, listenOptions } from './store-messages.js';

/** `process`: the store runs in a child process of the server (default); `inline`: in the server's own. */
export type EmbeddedStoreMode = 'process' | 'inline';

export interface OpenStoreOptions extends StoreProcessConfig {
  mode: EmbeddedStoreMode;
  /** Bound to `component: 'embedded-store'`. */
  logger: Logger;
  /** @defaultValue findStoreEntry() */
  entry?: StoreEntry | undefined;
  /** Nice steps below the server for the store's process. @defaultValue 0 */
  niceness?: number | undefined;
  /** The store's process is killed and restarted after leaving a ping unanswered this long (0 = never). @defaultValue 60 s */
  hangTimeoutMs?: number | undefined;
  /** Extra node flags for the store's process. @defaultValue none */
  nodeArgs?: readonly string[] | undefined;
}

/** A running embedded store, however it runs. */
export interface OpenedStore {
  /** `mongodb://…` without a database path. */
  uri: string;
  /** The store process, when it has its own. */
  child: StoreChild | undefined;
  stop(): Promise<void>;
}

/**
 * Starts the embedded store for the server: in its own process unless `mode` is `inline` (or the
 * store's entry file cannot be found, which is logged).
 */
export async function openEmbeddedStore(options: OpenStoreOptions): Promise<OpenedStore> {
  const { mode, logger, entry: given, niceness, hangTimeoutMs, nodeArgs, ...config } = options;
  const entry = mode === 'process' ? (given ?? findStoreEntry()) : undefined;
  if (mode === 'process' && !entry) {
    logger.warn('the embedded store process entry (dist/store.js) is missing; running the store inside the server (npm run build)');
  }
  if (entry) {
    const child = await StoreChild.start({
      entry,
      config,
      logger,
      ...(niceness !== undefined && { niceness }),
      ...(hangTimeoutMs !== undefined && { hangTimeoutMs }),
      ...(nodeArgs !== undefined && { nodeArgs }),
    });
    return { uri: child.uri, child, stop: () => child.stop() };
  }
  const store = await startEmbeddedMongo({
    dataDir: config.dataDir,
    ...listenOptions(config),
    logger,
  });
  return { uri: store.uri, child: undefined, stop: () => store.stop() };
}
