import pino, { type Logger } from 'pino';

/**
 * Paths that could hold a secret: the token, and a gateway session (anyone holding it could
 * resume it). Both only ever travel over IPC and are never logged; this is the net under that rule.
 */
const REDACT_PATHS = [
  'token',
  '*.token',
  'session',
  '*.session',
  'sessionId',
  '*.sessionId',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  '*.*.headers.authorization',
];

/**
 * NDJSON on stdout, written synchronously: the supervisor relays the lines into the server's
 * log, and the last lines before an exit (the reason for it) must not be lost.
 */
export function createWorkerLogger(): Logger {
  return pino(
    { name: 'worker', redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    pino.destination({ fd: 1, sync: true }),
  );
}
