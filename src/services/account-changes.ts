import { EventEmitter } from 'node:events';

/**
 * Told when an account's settings or existence change, so the caches on the event path (the
 * pipeline's account settings) reload instead of being cleared by hand.
 */
export class AccountChanges extends EventEmitter<{ account: [accountId: string] }> {}
