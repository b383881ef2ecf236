import type { FastifyBaseLogger } from 'fastify';
import type { AccountService } from './account-service.js';
import type { WorkerView } from './worker-control.js';

interface StateSource {
  on(event: 'state', listener: (snapshot: WorkerView & { accountId: string }) => void): unknown;
}

/**
 * Persists what workers report (bot identity, last state and error) for the API and restarts.
 * Each write is handed to `track`, so closing can wait for it.
 */
export function recordWorkerStates(
  workers: StateSource,
  accounts: Pick<AccountService, 'recordWorkerState'>,
  log: FastifyBaseLogger,
  track: (write: Promise<void>) => void,
): void {
  workers.on('state', (snapshot) => {
    const write = accounts.recordWorkerState(snapshot.accountId, snapshot).catch((err: unknown) => {
      log.warn({ err, accountId: snapshot.accountId }, 'recording worker state failed');
    });
    track(write);
  });
}
