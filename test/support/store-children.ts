import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { afterEach, beforeEach } from 'vitest';
import { StoreChild, type StoreChildOptions } from '../../src/db/embedded/store-child.js';
import { loggerWithEvents } from './log-events.js';

/** The store process as the built server forks it (the global setup builds dist/). */
export const BUNDLED_STORE_ENTRY = { path: resolve(import.meta.dirname, '../../dist/store.js'), execArgv: [] };

/**
 * Embedded store processes for the calling file's tests: each test gets a fresh data directory;
 * every store started through `start()` is stopped, and the directory removed, after the test.
 */
export function useStoreChildren(): { readonly dataDir: string; start(logger?: Logger, options?: Pick<StoreChildOptions, 'niceness' | 'hangTimeoutMs' | 'nodeArgs'>): Promise<StoreChild> } {
  let dataDir: string | undefined;
  const started: StoreChild[] = [];
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dac-store-child-'));
  });
  afterEach(async () => {
    for (const store of started.splice(0)) await store.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  const dir = (): string => {
    if (!dataDir) throw new Error('useStoreChildren: read it inside a test or hook');
    return dataDir;
  };
  return {
    get dataDir() {
      return dir();
    },
    async start(logger = loggerWithEvents('warn').logger, options = {}) {
      const store = await StoreChild.start({
        ...options,
        entry: BUNDLED_STORE_ENTRY,
        config: { dataDir: dir(), socketPath: join(dir(), 'store.sock'), logLevel: 'info' },
        logger,
      });
      started.push(store);
      return store;
    },
  };
}
