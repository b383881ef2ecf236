import type { AccountSettings } from '../domain/account.js';
import type { Models } from '../models/index.js';
import { toObjectId } from '../utils/cursor.js';

/** One account's settings as the domain types them; null when the account does not exist. */
export type AccountSettingsSource = (accountId: string) => Promise<AccountSettings | null>;

/**
 * Reads an account's settings from the database, for the event path's caches (the delivery
 * pipeline), which hold them until AccountChanges or the cluster says the account changed.
 * Deliberately not through the API's AccountCache: that one is refreshed by time (a few seconds),
 * so a reload right after another node's edit could pick up the old settings and keep them.
 */
export function accountSettingsFrom(models: Pick<Models, 'DiscordAccount'>): AccountSettingsSource {
  return async (accountId) => {
    const _id = toObjectId(accountId);
    const account = _id ? await models.DiscordAccount.findById(_id, { settings: 1 }).lean() : null;
    if (!account) return null;
    // The model stores content and rules as Mixed; the API validated them against these schemas.
    return (account.settings ?? {}) as AccountSettings;
  };
}
