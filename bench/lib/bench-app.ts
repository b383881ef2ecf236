/**
 * The real app as a benchmark target: a fresh DATA_DIR (the embedded store persists there, as
 * with `npm start`), throwaway secrets, logs at BENCH_LOG_LEVEL (default warn) discarded.
 * `env` adds to or overrides that environment.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, buildApp } from '../../src/app.js';

export async function buildBenchApp(name: string, env: Record<string, string | number> = {}): Promise<{ app: App; close: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), `dac-bench-${name}-`));
  const level = process.env.BENCH_LOG_LEVEL ?? 'warn';
  const app = await buildApp({
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: level,
      DATA_DIR: dataDir,
      JWT_SECRET: randomBytes(32).toString('hex'),
      TOKEN_ENCRYPTION_KEYS: randomBytes(32).toString('base64'),
      ...env,
    },
    logger: { level, stream: { write: () => undefined } } as never,
  });
  return {
    app,
    async close() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
