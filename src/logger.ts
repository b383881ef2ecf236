import type { LoggerOptions } from 'pino';

/** Paths pino replaces with "[redacted]": tokens, passwords and credentials never reach a log. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'token',
  'password',
  'passwordHash',
  '*.token',
  '*.password',
  '*.passwordHash',
  '*.accessToken',
  'body.token',
  'body.password',
  // A Discord gateway session can be resumed by whoever holds it: a credential like the token.
  'session',
  '*.session',
  'sessionId',
  '*.sessionId',
  'gatewaySession',
  '*.gatewaySession',
];

/** pino NDJSON on stdout; pino-pretty only when a person is watching a terminal. */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...(process.stdout.isTTY ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  };
}
