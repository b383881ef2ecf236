import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, resolveSecrets } from '../../../src/config/dev-secrets.js';
import type { Env } from '../../../src/config/env-schema.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dac-secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function env(overrides: Partial<Env> = {}): Env {
  return {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: 3000,
    LOG_LEVEL: 'info',
    DATA_DIR: dir,
    EMBEDDED_STORE: 'process',
    EMBEDDED_STORE_NICENESS: 0,
    EMBEDDED_STORE_HANG_TIMEOUT_MS: 60_000,
    EMBEDDED_STORE_NODE_ARGS: '',
    JWT_EXPIRES_IN: '12h',
    BODY_LIMIT_BYTES: 65536,
    HTTP_REQUEST_TIMEOUT_MS: 30_000,
    HTTP_HEADERS_TIMEOUT_MS: 10_000,
    HTTP_KEEP_ALIVE_TIMEOUT_MS: 5_000,
    RATE_LIMIT_MAX: 600,
    AUTH_RATE_LIMIT_MAX: 10,
    AUTH_FAILURES_MAX: 30,
    ACTIVITY_RETENTION_DAYS: 30,
    METRICS_RETENTION_DAYS: 7,
    CONTENT_DIR: './assets',
    CONTENT_ALLOW_PRIVATE_HOSTS: false,
    NO_REPEAT_DAYS: 30,
    WORKER_MAX_HEAP_MB: 128,
    WORKER_SPAWN_CONCURRENCY: 0,
    WORKER_NICENESS: 5,
    METRICS_INTERVAL_MS: 5000,
    MAX_ACCOUNTS_PER_USER: 100,
    MAX_FRIENDS_PER_USER: 2_000,
    REGEX_RULE_WRITES_PER_MINUTE: 30,
    INVALID_REQUESTS_PER_USER: 1_000,
    LEASE_MS: 15_000,
    LEASE_RENEW_MS: 2_000,
    LEASE_RENEW_DEADLINE_MS: 10_000,
    ...overrides,
  };
}

describe('resolveSecrets', () => {
  it('generates development secrets once and reuses them on the next start', async () => {
    const first = await resolveSecrets(env());
    expect(first.generated).toHaveLength(2);
    expect(Buffer.from(first.config.TOKEN_ENCRYPTION_KEYS, 'base64')).toHaveLength(32);
    expect(first.config.JWT_SECRET.length).toBeGreaterThanOrEqual(32);

    const second = await resolveSecrets(env());
    expect(second.generated).toHaveLength(0);
    expect(second.config.JWT_SECRET).toBe(first.config.JWT_SECRET);
    expect(second.config.TOKEN_ENCRYPTION_KEYS).toBe(first.config.TOKEN_ENCRYPTION_KEYS);
  });

  it('keeps the generated secrets readable by the owner only', async () => {
    await resolveSecrets(env());
    const file = join(dir, 'dev-secrets.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toHaveProperty('JWT_SECRET');
  });

  it('tightens a data directory and secrets file that an older version left readable by others', async () => {
    const file = join(dir, 'dev-secrets.json');
    await writeFile(file, JSON.stringify({ JWT_SECRET: 'z'.repeat(40), TOKEN_ENCRYPTION_KEYS: 'k' }), { mode: 0o644 });
    await chmod(file, 0o644);
    await chmod(dir, 0o755);
    const { generated } = await resolveSecrets(env());
    expect(generated).toEqual([]);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('prefers secrets given in the environment', async () => {
    const given = { JWT_SECRET: 'x'.repeat(40), TOKEN_ENCRYPTION_KEYS: Buffer.alloc(32, 1).toString('base64') };
    const { config, generated } = await resolveSecrets(env(given));
    expect(generated).toEqual([]);
    expect(config).toMatchObject(given);
  });

  it.each(['MONGODB_URI', 'JWT_SECRET', 'TOKEN_ENCRYPTION_KEYS'] as const)(
    'stops production start-up when %s is missing, naming it',
    async (missing) => {
      const complete = {
        NODE_ENV: 'production' as const,
        MONGODB_URI: 'mongodb://db.example:27017/app',
        JWT_SECRET: 'y'.repeat(40),
        TOKEN_ENCRYPTION_KEYS: Buffer.alloc(32, 2).toString('base64'),
      };
      const partial = env({ ...complete, [missing]: undefined });
      await expect(resolveSecrets(partial)).rejects.toThrow(new ConfigError(`${missing} is required when NODE_ENV=production`));
    },
  );
});
