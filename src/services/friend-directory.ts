import type { Types } from 'mongoose';
import type { Models } from '../models/index.js';
import { toObjectId } from '../utils/cursor.js';
import { LoadCache } from '../utils/load-once.js';

export interface FriendEntry {
  friendId: Types.ObjectId;
  discordUserId: string;
  displayName?: string | null;
  enabled: boolean;
  rules?: Record<string, unknown> | null;
}

/**
 * A per-account cache of friends keyed by Discord user id, for the hot path (every activity
 * event needs its friend). Loaded on first use; FriendService invalidates it on every change.
 */
export class FriendDirectory {
  readonly #byAccount = new LoadCache<string, Map<string, FriendEntry>>();

  constructor(private readonly models: Pick<Models, 'Friend'>) {}

  async get(accountId: string, discordUserId: string): Promise<FriendEntry | undefined> {
    return (await this.#load(accountId)).get(discordUserId);
  }

  /**
   * The same answer as `get`, synchronously once the account's friends are loaded (the event
   * path, for every event: no promise and no wait for one already settled); a promise before.
   */
  lookup(accountId: string, discordUserId: string): FriendEntry | undefined | Promise<FriendEntry | undefined> {
    const loaded = this.#byAccount.peek(accountId);
    return loaded ? loaded.get(discordUserId) : this.get(accountId, discordUserId);
  }

  invalidate(accountId: string): void {
    this.#byAccount.delete(accountId);
  }

  #load(accountId: string): Promise<Map<string, FriendEntry>> {
    // A failed load is not cached: the next event tries again.
    return this.#byAccount.get(accountId, () => this.#query(accountId));
  }

  async #query(accountId: string): Promise<Map<string, FriendEntry>> {
    const _id = toObjectId(accountId);
    const rows = _id
      ? await this.models.Friend.find(
          { accountId: _id },
          { discordUserId: 1, displayName: 1, enabled: 1, rules: 1 },
        ).lean()
      : [];
    return new Map(
      rows.map((f) => [
        f.discordUserId,
        {
          friendId: f._id,
          discordUserId: f.discordUserId,
          displayName: f.displayName ?? null,
          enabled: f.enabled,
          rules: (f.rules as Record<string, unknown> | undefined) ?? null,
        },
      ]),
    );
  }
}
