import type { WorkerState } from './worker-state.js';

export type SupervisorErrorCode =
  /** The supervisor is closing or closed. */
  | 'SUPERVISOR_CLOSED'
  /** The operation is not allowed in the worker's current state (e.g. start while stopping). */
  | 'ILLEGAL_TRANSITION'
  /** The account has no live, ready worker. */
  | 'WORKER_NOT_READY'
  /** The account has no live worker process at all. */
  | 'WORKER_NOT_RUNNING'
  /** The child exited while the request was in flight. */
  | 'WORKER_EXITED'
  /** The child did not answer within the request's time limit. */
  | 'REQUEST_TIMEOUT'
  /** The message could not be written to the IPC channel. */
  | 'IPC_SEND_FAILED'
  /** The worker answered `deliver:failed`. */
  | 'DELIVERY_FAILED'
  /** The shared invalid-request budget is nearly spent; new work waits. */
  | 'INVALID_REQUEST_BUDGET';

export interface SupervisorErrorDetails {
  accountId?: string;
  /** The operation that failed: `start`, `stop`, `deliver`, `ping`, … */
  op?: string;
  /** Whether trying again later could succeed. @defaultValue false */
  retryable?: boolean;
  retryAfterMs?: number;
  state?: WorkerState;
  cause?: unknown;
}

/** Every error the supervisor throws or rejects with. The API layer maps `code` to a status. */
export class SupervisorError extends Error {
  override readonly name: string = 'SupervisorError';
  readonly code: SupervisorErrorCode;
  readonly accountId: string | undefined;
  readonly op: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly state: WorkerState | undefined;

  constructor(code: SupervisorErrorCode, message: string, details: SupervisorErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.accountId = details.accountId;
    this.op = details.op;
    this.retryable = details.retryable ?? false;
    this.retryAfterMs = details.retryAfterMs;
    this.state = details.state;
  }

  /** The `{ name, message, code }` shape errors take at boundaries. */
  toJSON(): { name: string; message: string; code: SupervisorErrorCode; retryable: boolean } {
    return { name: this.name, message: this.message, code: this.code, retryable: this.retryable };
  }
}

/** The worker tried and Discord (or the worker's own time limit) said no. */
export class DeliveryFailedError extends SupervisorError {
  override readonly name = 'DeliveryFailedError';
  /** Discord's JSON error code or a worker code such as `DELIVERY_TIMEOUT`. */
  readonly reasonCode: string | number | undefined;
  /** HTTP status of Discord's last answer, when there was one. */
  readonly status: number | undefined;

  constructor(
    message: string,
    details: SupervisorErrorDetails & { reasonCode?: string | number; status?: number },
  ) {
    super('DELIVERY_FAILED', message, details);
    this.reasonCode = details.reasonCode;
    this.status = details.status;
  }
}

/**
 * Thrown by `resolveInit` when the account must not run and the reason is already known (a token
 * Discord refused): the worker goes to `error` with this `code`, without a process or a request.
 */
export class InitRefusedError extends Error {
  override readonly name: string = 'InitRefusedError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
