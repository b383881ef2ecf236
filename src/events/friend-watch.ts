import type { ActivityEvent, ActivityTypeName, PresenceStatus } from '../ipc/index.js';
import { applyEvent } from '../supervisor/session-keeper.js';

export interface FriendPresence {
  status: PresenceStatus;
  activities: Array<{ name: string; type: ActivityTypeName }>;
  /** When the worker saw the latest change (epoch ms). */
  at: number;
}

export interface FriendDecision {
  outcome: 'sent' | 'failed' | 'skipped';
  /** `no-trigger`, `cooldown`, `friend-cap`, `account-cap`, `quiet-hours`, `disabled`, `no-content`, … */
  reason?: string;
  /** When a cooldown, cap or quiet hours end (epoch ms). */
  until?: number;
  at: number;
}

interface Entry {
  presence?: FriendPresence;
  lastDecision?: FriendDecision;
}

/**
 * What the server last saw of each watched friend: their presence (rebuilt from the activity
 * events) and the last rule decision. One bounded entry per friend, in memory, never a row per
 * event; forgotten with the account. A server restart starts it empty.
 */
export class FriendWatch {
  readonly #entries = new Map<string, Map<string, Entry>>();

  /** Applies an activity event; returns the friend's presence after it. */
  onActivity(accountId: string, event: ActivityEvent): FriendPresence {
    const entry = this.#entry(accountId, event.discordUserId);
    const { status, activities } = applyEvent(entry.presence, event);
    entry.presence = { status, activities: [...activities], at: event.at };
    return entry.presence;
  }

  onDecision(accountId: string, discordUserId: string, decision: FriendDecision): void {
    this.#entry(accountId, discordUserId).lastDecision = decision;
  }

  get(accountId: string, discordUserId: string): Entry {
    return this.#entries.get(accountId)?.get(discordUserId) ?? {};
  }

  forgetAccount(accountId: string): void {
    this.#entries.delete(accountId);
  }

  #entry(accountId: string, discordUserId: string): Entry {
    let friends = this.#entries.get(accountId);
    if (!friends) this.#entries.set(accountId, (friends = new Map<string, Entry>()));
    let entry = friends.get(discordUserId);
    if (!entry) friends.set(discordUserId, (entry = {}));
    return entry;
  }
}
