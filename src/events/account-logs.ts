import { EventEmitter } from 'node:events';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];
export type LogSource = 'worker' | 'supervisor' | 'pipeline';
const BY_NUMBER: Readonly<Record<number, LogLevelName>> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
/** pino's envelope and the bindings that say where a line came from; the rest are its fields. */
const ENVELOPE = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'accountId', 'component', 'worker', 'workerPid', 'v']);
const PIPELINE_COMPONENTS = new Set(['pipeline', 'activity', 'content']);
/** A line longer than this keeps its message but not its fields. */
const MAX_FIELDS_CHARS = 4_000;

export interface AccountLogLine {
  at: number;
  level: LogLevelName;
  source: LogSource;
  msg: string;
  fields?: Record<string, unknown>;
}

export interface AccountLogsOptions {
  /** Lines kept per account. @defaultValue 1000 */
  perAccount?: number;
  /** Lines kept in all; past it the least recently active account loses its oldest. @defaultValue 100000 */
  total?: number;
}

/**
 * The last log lines of each account (its worker, the supervisor about it, its pipeline), in
 * bounded rings in memory, read by `GET /api/accounts/:id/logs` and the `log` live event.
 *
 * It taps the server's own log output (`ingest`, a pino `streamWrite` hook), so it holds exactly
 * what the log holds: lines at LOG_LEVEL and above, already redacted and with worker tokens
 * scrubbed. Lines are told apart by the `accountId` every account line carries.
 */
export class AccountLogs extends EventEmitter<{ line: [accountId: string, line: AccountLogLine] }> {
  readonly #perAccount: number;
  readonly #total: number;
  /** Insertion order is recency: an account written to moves to the end. */
  readonly #rings = new Map<string, AccountLogLine[]>();
  #count = 0;

  constructor(opts: AccountLogsOptions = {}) {
    super();
    this.#perAccount = opts.perAccount ?? 1_000;
    this.#total = opts.total ?? 100_000;
  }

  /** Takes one serialized log line; keeps it when it belongs to an account. Never throws. */
  ingest(json: string): void {
    if (!json.includes('"accountId":"')) return;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(json) as Record<string, unknown>;
    } catch {
      return;
    }
    const { accountId } = record;
    if (typeof accountId !== 'string') return;
    const line: AccountLogLine = {
      at: typeof record.time === 'number' ? record.time : Date.now(),
      level: BY_NUMBER[record.level as number] ?? 'info',
      source: record.worker === true ? 'worker' : PIPELINE_COMPONENTS.has(String(record.component)) ? 'pipeline' : 'supervisor',
      msg: typeof record.msg === 'string' ? record.msg : '',
    };
    if (json.length <= MAX_FIELDS_CHARS) {
      const fields = Object.fromEntries(Object.entries(record).filter(([k]) => !ENVELOPE.has(k)));
      if (Object.keys(fields).length > 0) line.fields = fields;
    }
    this.#keep(accountId, line);
    this.emit('line', accountId, line);
  }

  /** The newest `limit` lines at `minLevel` or above, oldest first. */
  tail(accountId: string, limit: number, minLevel: LogLevelName = 'trace'): AccountLogLine[] {
    const min = LOG_LEVELS.indexOf(minLevel);
    const ring = this.#rings.get(accountId) ?? [];
    const out: AccountLogLine[] = [];
    for (let i = ring.length - 1; i >= 0 && out.length < limit; i--) {
      if (LOG_LEVELS.indexOf(ring[i]!.level) >= min) out.push(ring[i]!);
    }
    return out.reverse();
  }

  forget(accountId: string): void {
    this.#count -= this.#rings.get(accountId)?.length ?? 0;
    this.#rings.delete(accountId);
  }

  #keep(accountId: string, line: AccountLogLine): void {
    let ring = this.#rings.get(accountId);
    if (ring) this.#rings.delete(accountId);
    else ring = [];
    this.#rings.set(accountId, ring);
    ring.push(line);
    this.#count++;
    if (ring.length > this.#perAccount) {
      ring.shift();
      this.#count--;
    }
    while (this.#count > this.#total) {
      const [oldestId, oldest] = this.#rings.entries().next().value as [string, AccountLogLine[]];
      oldest.shift();
      this.#count--;
      if (oldest.length === 0) this.#rings.delete(oldestId);
    }
  }
}
