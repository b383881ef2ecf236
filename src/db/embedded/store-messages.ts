/**
 * The IPC protocol between the server and its embedded store process (JSON over the fork
 * channel). A few small messages, checked by hand: a malformed one is logged and dropped, never
 * trusted.
 */

/** Where the store child keeps its data and listens; passed as its one argument (JSON). */
export interface StoreProcessConfig {
  dataDir: string;
  /** Unix socket path (then `port` is ignored). */
  socketPath?: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  logLevel: string;
}

/** Where the store listens, as startEmbeddedMongo takes it. */
export function listenOptions(config: StoreProcessConfig): { socketPath: string } | { port: number } {
  return config.socketPath === undefined ? { port: config.port ?? 0 } : { socketPath: config.socketPath };
}

/**
 * Child → server: listening at `uri`; or could not start (`message` says why); or the answer to
 * the server's liveness ping `seq`.
 */
export type StoreChildMessage =
  | { type: 'ready'; uri: string; port: number }
  | { type: 'failed'; message: string }
  | { type: 'pong'; seq: number };

/** Server → child: close the store and exit; or answer `pong` with this `seq` (liveness). */
export type StoreParentMessage = { type: 'stop' } | { type: 'ping'; seq: number };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseStoreChildMessage(raw: unknown): StoreChildMessage | undefined {
  if (!isRecord(raw)) return undefined;
  if (raw.type === 'ready' && typeof raw.uri === 'string' && typeof raw.port === 'number') {
    return { type: 'ready', uri: raw.uri, port: raw.port };
  }
  if (raw.type === 'failed' && typeof raw.message === 'string') return { type: 'failed', message: raw.message };
  if (raw.type === 'pong' && Number.isSafeInteger(raw.seq)) return { type: 'pong', seq: raw.seq as number };
  return undefined;
}

export function parseStoreParentMessage(raw: unknown): StoreParentMessage | undefined {
  if (!isRecord(raw)) return undefined;
  if (raw.type === 'stop') return { type: 'stop' };
  if (raw.type === 'ping' && Number.isSafeInteger(raw.seq)) return { type: 'ping', seq: raw.seq as number };
  return undefined;
}

/** The child's argument, checked: a bad one is a programming error, so it throws. */
export function parseStoreProcessConfig(arg: string | undefined): StoreProcessConfig {
  const raw: unknown = JSON.parse(arg ?? 'null');
  if (!isRecord(raw) || typeof raw.dataDir !== 'string' || typeof raw.logLevel !== 'string') {
    throw new Error('the embedded store process takes one JSON argument: {dataDir, socketPath | port, logLevel}');
  }
  return {
    dataDir: raw.dataDir,
    logLevel: raw.logLevel,
    ...(typeof raw.socketPath === 'string' ? { socketPath: raw.socketPath } : {}),
    ...(typeof raw.port === 'number' ? { port: raw.port } : {}),
  };
}
