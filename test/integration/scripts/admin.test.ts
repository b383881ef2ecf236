import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { startEmbeddedMongo } from '../../../src/db/embedded/index.js';
import { TEST_SCRYPT_COST } from '../../support/build-app.js';

// `npm run admin -- promote|demote <email>` as a real process on an embedded store data dir
// (the default database), and registration, which never grants admin whatever the environment.

const ROOT = resolve(import.meta.dirname, '../../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const EMAIL = 'ops@example.com';

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dac-admin-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function runAdmin(...args: string[]) {
  return execa(process.execPath, ['--import', TSX, join(ROOT, 'scripts/admin.ts'), ...args], {
    cwd: dataDir,
    extendEnv: false,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, LOG_LEVEL: 'error' },
    reject: false,
  });
}

/** The app the server would build on that data dir; ADMIN_EMAILS as an old setup would have it. */
function openApp() {
  return buildApp({
    env: { NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ADMIN_EMAILS: EMAIL, EMBEDDED_STORE: 'inline' },
    logger: false,
    restoreRunning: false,
    passwordCost: TEST_SCRYPT_COST,
  });
}

async function roleOf(email: string): Promise<string | undefined> {
  const app = await openApp();
  try {
    return (await app.db.models.User.findOne({ email }).lean())?.role;
  } finally {
    await app.close();
  }
}

// Each command is a process that builds the app: slow on a busy machine.
describe('admin bootstrap', { timeout: 120_000 }, () => {
  it('registration never grants admin, even to an email ADMIN_EMAILS names', async () => {
    const app = await openApp();
    try {
      const res = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: EMAIL, password: 'correct horse battery staple' } });
      expect(res.statusCode).toBe(201);
      expect(res.json().role).toBe('user');
    } finally {
      await app.close();
    }
  });

  it('promotes and demotes a user by email', async () => {
    const promoted = await runAdmin('promote', EMAIL);
    expect(promoted.stderr).toBe('');
    expect(promoted.exitCode).toBe(0);
    expect(promoted.stdout).toContain(`${EMAIL} is now admin`);
    expect(await roleOf(EMAIL)).toBe('admin');

    const demoted = await runAdmin('demote', EMAIL);
    expect(demoted.exitCode).toBe(0);
    expect(await roleOf(EMAIL)).toBe('user');
  });

  it('says so when no user has that email, or the command is unknown', async () => {
    const missing = await runAdmin('promote', 'nobody@example.com');
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('no user with email nobody@example.com');
    const unknown = await runAdmin('crown', EMAIL);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('usage: npm run admin -- promote <email>');
  });

  it("promotes through a running server's store (its socket), and explains what to do when it cannot reach it", async () => {
    const socketPath = join(dataDir, 'db', 'embedded-mongo.sock');
    const server = await startEmbeddedMongo({ dataDir: join(dataDir, 'db'), socketPath });
    const client = await new MongoClient(server.uri).connect();
    try {
      const res = await runAdmin('promote', EMAIL);
      expect(res.stderr).toBe('');
      expect(res.exitCode).toBe(0);
      expect((await client.db('discord-auto-content').collection('users').findOne({ email: EMAIL }))?.role).toBe('admin');
      await runAdmin('demote', EMAIL);
    } finally {
      await client.close();
      await server.stop();
    }
    // A store on a port this command was not told about: nothing to reach.
    const store = await startEmbeddedMongo({ dataDir: join(dataDir, 'db') });
    try {
      const res = await runAdmin('promote', EMAIL);
      expect(res.exitCode).toBe(1);
      expect(res.stderr).toMatch(/in use by another process.*Stop it/s);
    } finally {
      await store.stop();
    }
  });
});
