export { Supervisor, type DeliveryResult } from './supervisor.js';
export { SupervisorError, DeliveryFailedError, InitRefusedError, type SupervisorErrorCode } from './errors.js';
export { SUPERVISOR_DEFAULTS, NO_RESTART_CODES } from './constants.js';
export { WORKER_STATES, type WorkerState } from './worker-state.js';
export type {
  SupervisorEvents,
  SupervisorOptions,
  WorkerHeartbeat,
  WorkerInit,
  WorkerLastError,
  WorkerSnapshot,
} from './types.js';
