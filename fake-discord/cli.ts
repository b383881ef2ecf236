/**
 * `npm run fake-discord`: runs the fake Discord until SIGINT/SIGTERM.
 * FAKE_DISCORD_PORT picks the port (default: a free one), FAKE_DISCORD_HOST the interface,
 * FAKE_DISCORD_HEARTBEAT_MS the heartbeat interval and FAKE_DISCORD_LOG_LEVEL the log level.
 * The first log line says `fake Discord listening on http://127.0.0.1:PORT`.
 */
import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import { stopWithParent } from '../src/utils/stop-with-parent.js';
import { FAKE_DISCORD_DEFAULTS } from './constants.js';
import { FakeDiscord } from './index.js';

function integerFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

const logger = pino({
  level: process.env.FAKE_DISCORD_LOG_LEVEL ?? 'info',
  redact: { paths: ['token', '*.token', 'd.token', 'headers.authorization', 'req.headers.authorization'], censor: '[redacted]' },
});

let fake: FakeDiscord;
try {
  fake = await FakeDiscord.start({
    host: process.env.FAKE_DISCORD_HOST ?? FAKE_DISCORD_DEFAULTS.host,
    port: integerFromEnv('FAKE_DISCORD_PORT', FAKE_DISCORD_DEFAULTS.port),
    heartbeatIntervalMs: integerFromEnv('FAKE_DISCORD_HEARTBEAT_MS', FAKE_DISCORD_DEFAULTS.heartbeatIntervalMs),
    logger,
  });
} catch (err) {
  logger.fatal({ err }, `fake Discord could not start: ${(err as Error).message}`);
  process.exit(1);
}

// Always announced, whatever the level: scripts read the URL from this line.
logger.child({}, { level: 'info' }).info(
  { url: fake.url, apiUrl: fake.apiUrl },
  `fake Discord listening on ${fake.url} (REST base ${fake.apiUrl}, control API ${fake.url}/_fake)`,
);

const closer = closeWithGrace({ delay: 5_000, logger: { error: (msg: string) => logger.error(msg) } }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'fake Discord stopping after an error');
  else logger.info({ signal }, 'fake Discord stopping');
  await fake.close();
});

// Started by a script over an IPC channel (`npm run demo`): stop with it, however it died.
stopWithParent(() => void closer.close());
