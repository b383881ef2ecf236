// The embedded store in its own process, forked by the server (bundled to dist/store.js).
// Like mongod beside a production server, its CPU (BSON, SQLite transactions, indexes) and its
// synchronous SQLite work stay off the server's event loop, and a crash of one is not a crash of
// the other (docs/design.md). It reports `ready` (or `failed`) over IPC, logs pino NDJSON to
// stdout (the server relays it), and exits when the server says `stop` or goes away.
import pino from 'pino';
import { loggerOptions } from '../../logger.js';
import { type EmbeddedMongo, startEmbeddedMongo } from './index.js';
import { type StoreChildMessage, listenOptions, parseStoreParentMessage, parseStoreProcessConfig } from './store-messages.js';

if (!process.send) {
  process.stderr.write('dist/store.js is started by the server; run the store on its own with `npm run db`\n');
  process.exit(1);
}

const config = parseStoreProcessConfig(process.argv[2]);
const logger = pino(loggerOptions(config.logLevel));
let store: EmbeddedMongo | undefined;
let stopping = false;

function send(message: StoreChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send?.(message, undefined, {}, () => resolve());
  });
}

async function stopAndExit(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ reason }, 'embedded store stopping');
  try {
    await store?.stop();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'embedded store failed to stop cleanly');
    process.exit(1);
  }
}

process.on('message', (raw: unknown) => {
  const message = parseStoreParentMessage(raw);
  // Answered from the event loop that serves the commands: a pong says that loop is turning.
  if (message?.type === 'ping') void send({ type: 'pong', seq: message.seq });
  else if (message) void stopAndExit('the server asked');
  else logger.warn({ type: typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : typeof raw }, 'dropped a malformed IPC message');
});
// The server died or closed the channel: no orphan store, whatever happened to it.
process.once('disconnect', () => void stopAndExit('the server went away'));
// A terminal's Ctrl-C or a service manager's SIGTERM reaches the whole process group: the server
// still needs the store for its last writes, and stops it itself afterwards.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => logger.info({ signal }, `${signal} ignored; the server stops the store when it is done`));
}

try {
  store = await startEmbeddedMongo({
    dataDir: config.dataDir,
    ...listenOptions(config),
    logger,
  });
  await send({ type: 'ready', uri: store.uri, port: store.port });
} catch (error) {
  logger.error({ err: error }, 'embedded store failed to start');
  await send({ type: 'failed', message: (error as Error).message });
  process.exit(1);
}
