/**
 * The process `bench/regex-attack.ts` measures: the real app with its default limits (rate
 * limits, rule bounds, per-account caps) on the embedded store, its workers connecting to the
 * fake Discord at DISCORD_API_URL. Prints one JSON line `{ url }` once it listens; exits when its
 * stdin closes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';

const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dac-bench-regex-'));
  const app = await buildApp({
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL,
      DATA_DIR: dataDir,
      JWT_SECRET: randomBytes(32).toString('hex'),
      TOKEN_ENCRYPTION_KEYS: randomBytes(32).toString('base64'),
      ...(process.env.DISCORD_API_URL ? { DISCORD_API_URL: process.env.DISCORD_API_URL } : {}),
    },
    logger: { level: LOG_LEVEL, stream: { write: () => undefined } } as never,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify({ url })}\n`);
  process.stdin.resume();
  process.stdin.once('end', () => {
    void (async () => {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
      process.exit(0);
    })();
  });
}

await main();
