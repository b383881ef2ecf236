import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_DATA } from '../../../scripts/lib/seed-data.js';
import { buildApp } from '../../../src/app.js';
import { startEmbeddedMongo } from '../../../src/db/embedded/index.js';

// `npm run seed` as a real process on an embedded store data dir, twice. A throw-away cwd keeps
// any .env of the checkout out of it; CONTENT_DIR points back at the shipped samples.

const ROOT = resolve(import.meta.dirname, '../../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dac-seed-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function runSeed() {
  return execa(process.execPath, ['--import', TSX, join(ROOT, 'scripts/seed.ts')], {
    cwd: dataDir,
    extendEnv: false,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      CONTENT_DIR: join(ROOT, 'assets'),
      LOG_LEVEL: 'error',
    },
    reject: false,
  });
}

/** The app the server would build on that data dir (no workers). */
function openApp() {
  return buildApp({ env: { NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent', EMBEDDED_STORE: 'inline' }, logger: false, restoreRunning: false });
}

/** What the server would see in that data dir. */
async function counts() {
  const app = await openApp();
  try {
    const { User, DiscordAccount, Friend } = app.db.models;
    const [users, accounts, friends, running] = await Promise.all([
      User.countDocuments(),
      DiscordAccount.countDocuments(),
      Friend.countDocuments(),
      DiscordAccount.countDocuments({ desiredState: 'running' }),
    ]);
    return { users, accounts, friends, running };
  } finally {
    await app.close();
  }
}

// Each run is a process that compiles the app through tsx, hashes a password at the server's real
// cost and opens the store on disk: 15–30 s on a loaded 2-core machine, over the 30 s default.
describe('npm run seed', { timeout: 120_000 }, () => {
  it('creates the development user, two stopped accounts and three friends on a fresh store', async () => {
    const first = await runSeed();
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain('6 created, 0 found.');
    expect(first.stdout).toMatch(/created\s+user\s+dev@example\.com/);
    expect(await counts()).toEqual({ users: 1, accounts: 2, friends: 3, running: 0 });
  });

  it('creates nothing the second time and reports everything as found, also while a server holds the store', async () => {
    // As a running server holds it: the data directory's lock, and the socket the seed then uses.
    const server = await startEmbeddedMongo({ dataDir: join(dataDir, 'db'), socketPath: join(dataDir, 'db', 'embedded-mongo.sock') });
    let second;
    try {
      second = await runSeed();
    } finally {
      await server.stop();
    }
    expect(second.stderr).toBe('');
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain('0 created, 6 found.');
    expect(await counts()).toEqual({ users: 1, accounts: 2, friends: 3, running: 0 });
  });

  it('writes the placeholder tokens encrypted and the content settings as given', async () => {
    const app = await openApp();
    try {
      for (const seeded of SEED_DATA.accounts) {
        const stored = await app.db.models.DiscordAccount.findOne({ label: seeded.label }).lean();
        expect(stored?.settings?.content).toEqual(seeded.settings.content);
        expect(JSON.stringify(stored)).not.toContain(seeded.token.split('.')[2]);
      }
    } finally {
      await app.close();
    }
  });
});
