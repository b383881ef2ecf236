import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { eventKey } from './change-plan.js';

/** An activity event as the server received it from a worker. */
export interface ReceivedRecord {
  key: string;
  accountId: string;
  discordUserId: string;
  kind: string;
  /** When the worker saw the change (worker clock = host clock). */
  eventAt: number;
  /** When the supervisor emitted it (server clock). */
  receivedAt: number;
}

/** An activity event once its ActivityHistory insert was acknowledged. */
export interface StoredRecord {
  key: string;
  accountId: string;
  discordUserId: string;
  kind: string;
  eventAt: number;
  storedAt: number;
}

/** What the content pipeline made of one stored event. */
export interface OutcomeRecord {
  accountId: string;
  discordUserId: string;
  kind: string;
  status: 'sent' | 'failed' | 'skipped' | 'no-match';
  messageId: string | null;
  /** The server's own figure: worker saw the change → Discord accepted the message. */
  latencyMs: number | null;
  at: number;
  reason: string | null;
}

/** The server's event-loop delay over one second. */
export interface LagRecord {
  at: number;
  p99: number;
  max: number;
}

export interface WorkerStateRecord {
  at: number;
  accountId: string;
  state: string;
  /** What the worker last said about its gateway connection: ready, reconnecting, resumed, … */
  gatewayState: string | null;
  pid: number | null;
  restarts: number;
}

/** A replacement worker resumed its predecessor's gateway session, or Discord refused it. */
export interface ResumeRecord {
  at: number;
  accountId: string;
  outcome: 'resumed' | 'refused';
}

type Row = unknown[];

interface ProbeLine {
  t: string;
  e?: Row[];
  at?: number;
  port?: number | null;
  message?: string;
  accountId?: string;
  state?: string;
  gatewayState?: string | null;
  pid?: number | null;
  restarts?: number;
  p99?: number;
  max?: number;
  outcome?: string;
}

/**
 * The server probe's reports (see server-probe.ts), parsed as they arrive. Emits `received`,
 * `stored` and `outcome` with each batch, `state` with each worker state change.
 */
export class ProbeLog extends EventEmitter<{
  received: [ReceivedRecord[]];
  stored: [StoredRecord[]];
  outcome: [OutcomeRecord[]];
  state: [WorkerStateRecord];
  resume: [ResumeRecord];
}> {
  readonly received: ReceivedRecord[] = [];
  readonly stored: StoredRecord[] = [];
  readonly outcomes: OutcomeRecord[] = [];
  readonly states: WorkerStateRecord[] = [];
  readonly resumes: ResumeRecord[] = [];
  readonly lag: LagRecord[] = [];
  /** Harness clock of the last event, stored batch or outcome: for "has it gone quiet?". */
  lastActivityAt = 0;
  /** Resolves once the probe found the app's supervisor, pipeline and model. */
  readonly attached: Promise<void>;
  /** Resolves with the server's port. */
  readonly listening: Promise<number>;
  readonly #pids = new Map<string, number>();
  #failAttach: (err: Error) => void = () => undefined;

  constructor(stream: Readable) {
    super();
    let onAttached: () => void = () => undefined;
    let onListening: (port: number) => void = () => undefined;
    this.attached = new Promise<void>((resolve, reject) => {
      onAttached = resolve;
      this.#failAttach = reject;
    });
    this.listening = new Promise<number>((resolve) => {
      onListening = resolve;
    });
    // Callers race these against the server's exit; unobserved rejections must not crash.
    this.attached.catch(() => undefined);
    createInterface({ input: stream }).on('line', (text) => {
      let line: ProbeLine;
      try {
        line = JSON.parse(text) as ProbeLine;
      } catch {
        return;
      }
      switch (line.t) {
        case 'attached':
          return onAttached();
        case 'error':
          return this.#failAttach(new Error(`server probe: ${line.message ?? 'unknown error'}`));
        case 'listening':
          if (typeof line.port === 'number') onListening(line.port);
          return;
        case 'r':
          return this.#onReceived(line.e ?? []);
        case 's':
          return this.#onStored(line.at ?? Date.now(), line.e ?? []);
        case 'o':
          return this.#onOutcomes(line.e ?? []);
        case 'w':
          return this.#onState(line);
        case 'resume':
          return this.#onResume(line);
        case 'lag':
          this.lag.push({ at: line.at ?? Date.now(), p99: line.p99 ?? Number.NaN, max: line.max ?? Number.NaN });
          return;
        default:
      }
    });
  }

  /** The current (or last) worker pid of an account. */
  pidOf(accountId: string): number | undefined {
    return this.#pids.get(accountId);
  }

  /** The latest known worker pid of every account (some may have exited since). */
  workerPids(): number[] {
    return [...this.#pids.values()];
  }

  /** The account a worker pid belongs (or belonged) to. */
  accountOfPid(pid: number): string | undefined {
    for (const [accountId, p] of this.#pids) if (p === pid) return accountId;
    return undefined;
  }

  #onReceived(rows: Row[]): void {
    const batch = rows.map(([accountId, userId, kind, name, eventAt, receivedAt]) => ({
      key: eventKey(String(accountId), String(userId), String(kind), name as string | null),
      accountId: String(accountId),
      discordUserId: String(userId),
      kind: String(kind),
      eventAt: Number(eventAt),
      receivedAt: Number(receivedAt),
    }));
    this.received.push(...batch);
    this.lastActivityAt = Date.now();
    this.emit('received', batch);
  }

  #onStored(storedAt: number, rows: Row[]): void {
    const batch = rows.map(([accountId, userId, kind, name, eventAt]) => ({
      key: eventKey(String(accountId), String(userId), String(kind), name as string | null),
      accountId: String(accountId),
      discordUserId: String(userId),
      kind: String(kind),
      eventAt: Number(eventAt),
      storedAt,
    }));
    this.stored.push(...batch);
    this.lastActivityAt = Date.now();
    this.emit('stored', batch);
  }

  #onOutcomes(rows: Row[]): void {
    const batch = rows.map(([accountId, userId, kind, status, messageId, latencyMs, at, reason]) => ({
      accountId: String(accountId),
      discordUserId: String(userId),
      kind: String(kind),
      status: status as OutcomeRecord['status'],
      messageId: (messageId as string | null) ?? null,
      latencyMs: typeof latencyMs === 'number' ? latencyMs : null,
      at: Number(at),
      reason: (reason as string | null) ?? null,
    }));
    this.outcomes.push(...batch);
    this.lastActivityAt = Date.now();
    this.emit('outcome', batch);
  }

  #onResume(line: ProbeLine): void {
    if (!line.accountId || (line.outcome !== 'resumed' && line.outcome !== 'refused')) return;
    const record = { at: line.at ?? Date.now(), accountId: line.accountId, outcome: line.outcome } as const;
    this.resumes.push(record);
    this.emit('resume', record);
  }

  #onState(line: ProbeLine): void {
    if (!line.accountId || !line.state) return;
    const record = {
      at: line.at ?? Date.now(),
      accountId: line.accountId,
      state: line.state,
      gatewayState: line.gatewayState ?? null,
      pid: line.pid ?? null,
      restarts: line.restarts ?? 0,
    };
    if (record.pid !== null) this.#pids.set(record.accountId, record.pid);
    this.states.push(record);
    this.emit('state', record);
  }
}
