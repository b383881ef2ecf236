import type { Models } from '../models/index.js';
import { OwnerQuota } from './owner-quota.js';
import { RegexTriggerCap } from './regex-trigger-cap.js';
import { SlotCounter } from './slot-counter.js';

/** The per-user and per-account caps the account and friend services hold, shared by every node. */
export interface UserLimits {
  /** MAX_ACCOUNTS_PER_USER. */
  accounts: OwnerQuota;
  /** MAX_FRIENDS_PER_USER, over all of a user's accounts. */
  friends: OwnerQuota;
  /** MAX_REGEX_TRIGGERS_PER_ACCOUNT. */
  regexTriggers: RegexTriggerCap;
}

/** The limits on counters in the shared database (`quotacounters`). 0: unlimited. */
export function userLimits(
  models: Pick<Models, 'QuotaCounter' | 'DiscordAccount' | 'Friend'>,
  max: { MAX_ACCOUNTS_PER_USER: number; MAX_FRIENDS_PER_USER: number },
): UserLimits {
  const counter = new SlotCounter(models.QuotaCounter);
  return {
    accounts: new OwnerQuota(counter, max.MAX_ACCOUNTS_PER_USER, 'ACCOUNT_LIMIT_REACHED', 'accounts', 'MAX_ACCOUNTS_PER_USER'),
    friends: new OwnerQuota(counter, max.MAX_FRIENDS_PER_USER, 'FRIEND_LIMIT_REACHED', 'friends', 'MAX_FRIENDS_PER_USER'),
    regexTriggers: new RegexTriggerCap(models, counter),
  };
}
