/**
 * The IPC protocol between the server and its embedded store process (JSON over the fork
 * channel). Three messages, checked by hand: a malformed one is logged and dropped, never trusted.
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

/** Child → server: listening at `uri`; or could not start (`message` says why). */
export type StoreChildMessage = { type: 'ready'; uri: string; port: number } | { type: 'failed'; message: string };

/** Server → child: close the store and exit. */
export type StoreParentMessage = { type: 'stop' };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseStoreChildMessage(raw: unknown): StoreChildMessage | undefined {
  if (!isRecord(raw)) return undefined;
  if (raw.type === 'ready' && typeof raw.uri === 'string' && typeof raw.port === 'number') {
    return { type: 'ready', uri: raw.uri, port: raw.port };
  }
  if (raw.type === 'failed' && typeof raw.message === 'string') return { type: 'failed', message: raw.message };
  return undefined;
}

export function parseStoreParentMessage(raw: unknown): StoreParentMessage | undefined {
  return isRecord(raw) && raw.type === 'stop' ? { type: 'stop' } : undefined;
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
