import type { ChangeLog } from '../changes/change-log.js';
import type { Persistence } from '../persistence/persistence.js';

/** Runs `work` as one unit: one SQLite transaction, its changes published to change streams once committed. */
export type UnitOfWork = <T>(work: () => T) => T;

/** The store's one way to run a command or a TTL sweep, so both commit and publish alike. */
export function unitOfWork(persistence: Persistence, changes: ChangeLog): UnitOfWork {
  return (work) => changes.capture(() => persistence.transaction(work));
}
