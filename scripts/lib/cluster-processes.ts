/**
 * The processes of a local multi-node cluster: the embedded store on its own (its CLI, what
 * `npm run db` runs) and server nodes sharing it through MONGODB_URI, each with its own NODE_ID
 * and port. Used by `npm run cluster` and the load harness's `--nodes`.
 */
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveSecrets } from '../../src/config/dev-secrets.js';
import type { Env } from '../../src/config/env-schema.js';
import { ensurePrivateDir } from '../../src/utils/private-files.js';
import { describeExit, ManagedProcess } from './managed-process.js';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
/** The database name a single node uses on its embedded store, so both see the same data. */
const DB_NAME = 'discord-auto-content';
const HEALTH_POLL_MS = 200;

/** What every node must share: a token encrypted by one node is decrypted by another. */
export interface ClusterSecrets {
  JWT_SECRET: string;
  TOKEN_ENCRYPTION_KEYS: string;
}

/**
 * The secrets from the environment, or else those a single node keeps in DATA_DIR/dev-secrets.json
 * (generated there once), so a cluster and `npm start` on one DATA_DIR read the same tokens.
 */
export async function clusterSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<ClusterSecrets> {
  const { config } = await resolveSecrets({
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    JWT_SECRET: env.JWT_SECRET || undefined,
    TOKEN_ENCRYPTION_KEYS: env.TOKEN_ENCRYPTION_KEYS || undefined,
  } as Env);
  return { JWT_SECRET: config.JWT_SECRET, TOKEN_ENCRYPTION_KEYS: config.TOKEN_ENCRYPTION_KEYS };
}

export interface StoreProcess {
  process: ManagedProcess;
  /** `mongodb://127.0.0.1:PORT/discord-auto-content`, for every node's MONGODB_URI. */
  uri: string;
}

/** The embedded store's CLI with its data in `dataDir`; resolves once it listens. */
export async function startStoreProcess(opts: {
  dataDir: string;
  port: number;
  startTimeoutMs: number;
  stopTimeoutMs: number;
  onLine?: (line: string) => void;
}): Promise<StoreProcess> {
  ensurePrivateDir(opts.dataDir);
  const store = ManagedProcess.start({
    name: 'store',
    file: process.execPath,
    args: ['--import', 'tsx', 'src/db/embedded/cli.ts'],
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: opts.dataDir,
      EMBEDDED_MONGO_PORT: String(opts.port),
      // Its "listening on" line is at info.
      LOG_LEVEL: 'info',
    },
    ...(opts.onLine ? { onLine: opts.onLine } : {}),
    stopTimeoutMs: opts.stopTimeoutMs,
    // Should the script die without stopping it (SIGKILL), it stops by itself.
    ipc: true,
  });
  try {
    const base = await store.waitForLine(
      (line) => /embedded store listening on (mongodb:\/\/[^\s"]+)/.exec(line)?.[1],
      'that it listens',
      opts.startTimeoutMs,
    );
    return { process: store, uri: `${base}/${DB_NAME}` };
  } catch (err) {
    await store.stop();
    throw err;
  }
}

export interface NodeProcessOptions {
  nodeId: string;
  port: number;
  mongodbUri: string;
  secrets: ClusterSecrets;
  /** DATA_DIR of the node (it keeps nothing there while MONGODB_URI and the secrets are set). */
  dataDir: string;
  /** The rest of its environment (inherited settings such as DISCORD_API_URL, LEASE_MS). */
  env: Record<string, string | undefined>;
  stopTimeoutMs: number;
  onLine?: (line: string) => void;
  /** Extra node flags, before the entry. @defaultValue [] */
  nodeArgs?: string[];
  /** @defaultValue dist/server.js */
  entry?: string;
}

/** One server node (`node dist/server.js`) on `port`, sharing the store at `mongodbUri`. */
export function startNodeProcess(opts: NodeProcessOptions): ManagedProcess {
  return ManagedProcess.start({
    name: opts.nodeId,
    file: process.execPath,
    args: [...(opts.nodeArgs ?? []), resolve(PROJECT_ROOT, opts.entry ?? 'dist/server.js')],
    cwd: PROJECT_ROOT,
    env: {
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      ...opts.env,
      PORT: String(opts.port),
      NODE_ID: opts.nodeId,
      MONGODB_URI: opts.mongodbUri,
      DATA_DIR: opts.dataDir,
      ...opts.secrets,
    },
    ...(opts.onLine ? { onLine: opts.onLine } : {}),
    stopTimeoutMs: opts.stopTimeoutMs,
    // Should the script die without stopping it (SIGKILL), it stops by itself.
    ipc: true,
  });
}

/**
 * Resolves once `GET baseUrl/api/health` answers 200; rejects when the process exits first or
 * after `timeoutMs`. (Polled: whether the node logs "listening" depends on its LOG_LEVEL.)
 */
export async function waitForHealth(baseUrl: string, node: ManagedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (node.running) {
    try {
      const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${node.name} did not answer /api/health within ${timeoutMs / 1000} s`);
    await sleep(HEALTH_POLL_MS);
  }
  const exit = await node.exited;
  throw new Error(`${node.name} exited (${describeExit(exit)}) before it answered /api/health\n${node.stderrTail}`);
}

/** `<dataDir>/db`: where a single node keeps its embedded store, and so the cluster's store too. */
export function storeDataDir(dataDir: string): string {
  return join(dataDir, 'db');
}
