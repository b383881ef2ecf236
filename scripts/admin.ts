/**
 * `npm run admin -- promote <email>` / `demote <email>`: the one way to give or take the admin
 * role (registration never grants it). Runs on the database the server is configured for —
 * MONGODB_URI, or the embedded store under DATA_DIR — through the running server's store when a
 * server holds it (its socket, or EMBEDDED_MONGO_PORT). No new login is needed: requests follow the stored role
 * (a token already in use within 5 minutes).
 */
import { pathToFileURL } from 'node:url';
import { buildApp } from '../src/app.js';
import { isDataDirInUse } from '../src/db/embedded/persistence/data-dir-lock.js';
import { loggerOptions } from '../src/logger.js';
import { NotFoundError } from '../src/services/errors.js';

const USAGE = 'usage: npm run admin -- promote <email> | demote <email>\n';
const ROLES = { promote: 'admin', demote: 'user' } as const;

export async function main(argv: string[]): Promise<number> {
  const [command, email, ...rest] = argv;
  if (!(command === 'promote' || command === 'demote') || !email || rest.length > 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp({ dotenv: true, restoreRunning: false, attachToRunningStore: true, logger: loggerOptions(process.env.LOG_LEVEL ?? 'warn') });
  } catch (err) {
    if (isDataDirInUse(err)) {
      process.stderr.write(
        'admin: the embedded store under DATA_DIR is in use by another process that serves no socket this ' +
          'command can reach (a server started with another EMBEDDED_MONGO_PORT?). Stop it, run this command, then start it again.\n',
      );
      return 1;
    }
    throw err;
  }
  try {
    const user = await app.users.setRole(email, ROLES[command]);
    process.stdout.write(`${user.email} is now ${user.role}; their requests follow it within 5 minutes, no new login needed.\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    process.stderr.write(`admin: no user with email ${email} (they register first, through the API)\n`);
    return 1;
  } finally {
    await app.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // A one-shot command gains nothing from running the embedded store in a process of its own.
  process.env.EMBEDDED_STORE ??= 'inline';
  // Exits as soon as the work is done and the database closed: a one-shot command should not
  // wait for the app's idle timers.
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`admin failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
