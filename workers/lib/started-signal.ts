/**
 * The worker tells its boot loader (workers/boot.ts) that it has said `ready`: start-up code has
 * all run, so a code cache made now covers it. An event on `process`, because the loader and the
 * bundle share nothing else; without the loader nobody listens.
 */
const WORKER_STARTED_EVENT = 'dac:worker-started';
const events = process as NodeJS.EventEmitter;

export function signalStarted(): void {
  events.emit(WORKER_STARTED_EVENT);
}

export function onceStarted(listener: () => void): void {
  events.once(WORKER_STARTED_EVENT, listener);
}
