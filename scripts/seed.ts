/**
 * `npm run seed`: a development user, two accounts and their friends, on whatever database the
 * server is configured for (MONGODB_URI, or the embedded store under DATA_DIR). The app is built
 * with `buildApp`, so config, secrets and database are exactly the server's, and its services do
 * the writing (password hashing, token encryption). No worker is started. Idempotent: users are
 * found by email, accounts by owner and label, friends by account and Discord user id.
 */
import { pathToFileURL } from 'node:url';
import { type App, type BuildAppOptions, buildApp } from '../src/app.js';
import { loggerOptions } from '../src/logger.js';
import { CONTENT_DEFAULTS, createProviderRegistry } from '../src/services/content/index.js';
import { ConflictError } from '../src/services/errors.js';
import { type SeedAccount, SEED_DATA, type SeedData, SeedDataError, seedDataProblems } from './lib/seed-data.js';

export type SeedKind = 'user' | 'account' | 'friend';

export interface SeedEntry {
  kind: SeedKind;
  /** Email, label or display name. */
  name: string;
  id: string;
  status: 'created' | 'found';
}

export interface SeedReport {
  entries: SeedEntry[];
  /** Things that will not stop the seed but deserve a look (an empty content folder). */
  warnings: string[];
  database: 'mongodb' | 'embedded';
}

/** Finds or creates everything in `data` through the app's services. */
export async function seed(app: App, data: SeedData = SEED_DATA): Promise<SeedReport> {
  const problems = seedDataProblems(data);
  if (problems.length > 0) throw new SeedDataError(problems);
  const warnings = await contentWarnings(app, data.accounts);
  const entries: SeedEntry[] = [];
  const user = await findOrCreateUser(app, data.user);
  entries.push(user);
  for (const account of data.accounts) {
    const saved = await findOrCreateAccount(app, user.id, account);
    entries.push(saved);
    for (const friend of account.friends) {
      entries.push(await findOrCreateFriend(app, user.id, saved.id, friend));
    }
  }
  return { entries, warnings, database: app.db.kind };
}

/** Builds the app from the environment (as the server does), seeds, and closes it. */
export async function runSeed(options: BuildAppOptions = {}, data: SeedData = SEED_DATA): Promise<SeedReport> {
  const app = await buildApp({ dotenv: true, ...options, restoreRunning: false });
  try {
    return await seed(app, data);
  } finally {
    await app.close();
  }
}

async function findOrCreateUser(app: App, input: SeedData['user']): Promise<SeedEntry> {
  const entry = (id: string, status: SeedEntry['status']): SeedEntry => ({ kind: 'user', name: input.email, id, status });
  const existing = await app.db.models.User.findOne({ email: input.email.toLowerCase() }, { _id: 1 }).lean();
  if (existing) return entry(existing._id.toHexString(), 'found');
  try {
    return entry((await app.users.register(input.email, input.password)).id, 'created');
  } catch (err) {
    // Another seed (or a registration) won the race: the unique index kept one user.
    if (!(err instanceof ConflictError)) throw err;
    const winner = await app.db.models.User.findOne({ email: input.email.toLowerCase() }, { _id: 1 }).lean();
    if (!winner) throw err;
    return entry(winner._id.toHexString(), 'found');
  }
}

async function findOrCreateAccount(app: App, ownerId: string, input: SeedAccount): Promise<SeedEntry> {
  const entry = (id: string, status: SeedEntry['status']): SeedEntry => ({ kind: 'account', name: input.label, id, status });
  const existing = await app.db.models.DiscordAccount.findOne({ ownerId, label: input.label }, { _id: 1 }).lean();
  if (existing) return entry(existing._id.toHexString(), 'found');
  const created = await app.accounts.create(ownerId, { label: input.label, token: input.token, settings: input.settings });
  return entry(created.id, 'created');
}

async function findOrCreateFriend(
  app: App,
  ownerId: string,
  accountId: string,
  input: SeedAccount['friends'][number],
): Promise<SeedEntry> {
  const entry = (id: string, status: SeedEntry['status']): SeedEntry => ({ kind: 'friend', name: input.displayName, id, status });
  const existing = await app.db.models.Friend.findOne({ accountId, discordUserId: input.discordUserId }, { _id: 1 }).lean();
  if (existing) return entry(existing._id.toHexString(), 'found');
  const { rules, ...friend } = input;
  // null and absent both inherit the account's rules; the service takes absent.
  const created = await app.friends.create(ownerId, accountId, { ...friend, ...(rules ? { rules } : {}) });
  return entry(created.id, 'created');
}

/**
 * Builds every provider with the server's registry (a `directory` outside CONTENT_DIR throws
 * here, before anything is written) and warns when a folder provider finds nothing to send.
 */
async function contentWarnings(app: App, accounts: SeedAccount[]): Promise<string[]> {
  const registry = createProviderRegistry({ contentRoot: app.config.CONTENT_DIR });
  const context = { timeoutMs: CONTENT_DEFAULTS.providerTimeoutMs, random: Math.random };
  const warnings: string[] = [];
  for (const account of accounts) {
    for (const config of account.settings.content.providers) {
      const provider = registry.create(config, context);
      if (config.kind !== 'directory') continue;
      const found = await provider
        .fetch({ count: 1, signal: AbortSignal.timeout(context.timeoutMs) })
        .then((items) => (items.length > 0 ? null : 'no files it can send'))
        .catch((err: unknown) => (err as Error).message);
      if (found) {
        warnings.push(
          `"${account.label}": directory "${config.path}" under CONTENT_DIR=${app.config.CONTENT_DIR}: ${found}`,
        );
      }
    }
  }
  return warnings;
}

function printReport(report: SeedReport, data: SeedData): void {
  const out = process.stdout;
  const where = report.database === 'embedded' ? 'the embedded store (DATA_DIR)' : 'MongoDB (MONGODB_URI)';
  out.write(`seed: ${where}\n`);
  const nameWidth = Math.max(...report.entries.map((e) => e.name.length));
  for (const e of report.entries) {
    out.write(`  ${e.status.padEnd(8)} ${e.kind.padEnd(8)} ${e.name.padEnd(nameWidth)}  ${e.id}\n`);
  }
  for (const warning of report.warnings) out.write(`  warning  ${warning}\n`);
  const created = report.entries.filter((e) => e.status === 'created').length;
  out.write(`${created} created, ${report.entries.length - created} found.\n`);
  out.write(`Log in as ${data.user.email} / ${data.user.password} (POST /api/auth/login, or /docs).\n`);
  out.write('Accounts are stopped and their tokens are placeholders: set a real token before starting one.\n');
}

async function main(): Promise<void> {
  // While a server runs on the embedded store, through that server's store.
  const report = await runSeed({ logger: loggerOptions(process.env.LOG_LEVEL ?? 'warn'), attachToRunningStore: true });
  printReport(report, SEED_DATA);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // A one-shot command gains nothing from running the embedded store in a process of its own.
  process.env.EMBEDDED_STORE ??= 'inline';
  main().catch((err: unknown) => {
    process.stderr.write(`seed failed: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
