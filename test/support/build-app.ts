import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type App, type BuildAppOptions, buildApp } from '../../src/app.js';
import { loggerOptions } from '../../src/logger.js';
import { startTestMongo } from './test-mongo.js';

export interface TestApp {
  app: App;
  /** Every log line the app wrote, for tests that look for leaks. */
  logs: string[];
  /** The database URI the app uses. */
  mongoUri: string;
  close(): Promise<void>;
}

export const TEST_ENCRYPTION_KEY = randomBytes(32).toString('base64');

/** A cheap scrypt cost for test apps' throwaway users. */
export const TEST_SCRYPT_COST = { N: 2 ** 10, r: 8, p: 1 };

/**
 * Builds the real app on its own database (the embedded store, or MONGODB_URI when set) and a
 * temporary DATA_DIR, with logs captured in memory. `close()` undoes all of it.
 */
export async function buildTestApp(
  options: BuildAppOptions & {
    beforeReady?: (app: App) => void;
    /** Share this database (several nodes) instead of starting one; the caller stops it. */
    mongoUri?: string;
  } = {},
): Promise<TestApp> {
  const mongo = options.mongoUri ? { uri: options.mongoUri, stop: async () => {} } : await startTestMongo();
  const dataDir = await mkdtemp(join(tmpdir(), 'dac-test-'));
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const app = await buildApp({
    // Users here are throwaway: hashing at the server's real cost (~0.5 s of CPU each) was a
    // large share of the suite's CPU. The hash format and the check are the same.
    passwordCost: TEST_SCRYPT_COST,
    ...options,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      MONGODB_URI: mongo.uri,
      JWT_SECRET: randomBytes(32).toString('hex'),
      TOKEN_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEY,
      // Suites probe many routes without a valid token from one address.
      AUTH_FAILURES_MAX: 100_000,
      ...options.env,
    },
    logger: { ...loggerOptions('info'), stream } as never,
  });
  options.beforeReady?.(app);
  await app.ready();
  return {
    app,
    logs,
    mongoUri: mongo.uri,
    async close() {
      await app.close();
      await mongo.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Registers a user and returns an Authorization header value for them. */
export async function registerAndLogin(
  app: App,
  email = `u${randomBytes(4).toString('hex')}@example.com`,
  role: 'user' | 'admin' = 'user',
) {
  const password = 'correct horse battery staple';
  const reg = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password } });
  if (reg.statusCode !== 201) throw new Error(`register failed: ${reg.statusCode} ${reg.body}`);
  // What `npm run admin -- promote` does.
  if (role === 'admin') await app.users.setRole(email, 'admin');
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
  const { accessToken } = login.json<{ accessToken: string }>();
  return { email, password, authorization: `Bearer ${accessToken}`, userId: reg.json<{ id: string }>().id };
}
