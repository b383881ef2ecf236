import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';

const REDACTED = '[REDACTED]';
/** Fields pino writes on every line; the server's logger writes its own. */
const PINO_ENVELOPE = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'accountId', 'v']);
const PINO_LEVELS: Readonly<Record<number, LogLevel>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** One child output line, ready to be logged again by the server. */
export interface RelayedLine {
  level: LogLevel;
  fields: Record<string, unknown>;
  msg: string;
}

/** Replaces every occurrence of a secret (the child's token) with a marker. */
export function scrubSecrets(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) {
    if (secret.length > 0 && out.includes(secret)) out = out.replaceAll(secret, REDACTED);
  }
  return out;
}

/**
 * Turns one line of child output into a log entry: a pino NDJSON line keeps its level, message
 * and fields; anything else is wrapped as a message at `fallbackLevel`.
 */
export function parseChildLogLine(line: string, fallbackLevel: LogLevel): RelayedLine {
  if (line.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        const record = parsed as Record<string, unknown>;
        const fields: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(record)) {
          if (!PINO_ENVELOPE.has(key)) fields[key] = value;
        }
        const level = typeof record.level === 'number' ? PINO_LEVELS[record.level] : undefined;
        const msg = typeof record.msg === 'string' ? record.msg : '';
        return { level: level ?? fallbackLevel, fields, msg };
      }
    } catch {
      // Not JSON after all: wrapped below.
    }
  }
  return { level: fallbackLevel, fields: {}, msg: line };
}

export interface RelayOptions {
  /** Logger already bound to the account (and child pid). */
  logger: Logger;
  /** Level for lines that are not pino JSON: info for stdout, warn for stderr. */
  fallbackLevel: LogLevel;
  /** Strings that must never reach the log. */
  secrets: readonly string[];
  maxLineChars: number;
}

/** Relays a child's stdout or stderr into the server log, one entry per line. */
export function relayLines(stream: Readable, options: RelayOptions): void {
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on('line', (raw) => {
    if (raw.length === 0) return;
    const cut = raw.length > options.maxLineChars ? `${raw.slice(0, options.maxLineChars)}…` : raw;
    const { level, fields, msg } = parseChildLogLine(scrubSecrets(cut, options.secrets), options.fallbackLevel);
    options.logger[level](fields, msg);
  });
  // A stream error (the child died mid-write) ends the relay; the exit is handled elsewhere.
  stream.on('error', () => lines.close());
}
