import type { Types } from 'mongoose';
import type { Models } from '../models/index.js';
import { ConflictError } from './errors.js';

/**
 * Regex triggers one account may hold over all its rules (its default rules and every friend's):
 * each is tried against every presence change of the account, so the per-rule cap alone would
 * let one account multiply the matching work by its number of friends.
 */
export const MAX_REGEX_TRIGGERS_PER_ACCOUNT = 20;

interface RuleLike {
  triggers?: Array<{ name?: { match?: string } | null } | null> | null;
}

/** Regex triggers in one stored or submitted rule (anything else counts 0). */
export function regexTriggerCount(rule: unknown): number {
  const triggers = (rule as RuleLike | null | undefined)?.triggers;
  return Array.isArray(triggers) ? triggers.filter((t) => t?.name?.match === 'regex').length : 0;
}

/**
 * Throws 409 REGEX_TRIGGER_LIMIT_REACHED when the account would hold more than the cap after
 * `change` replaces its default rules or one friend's rules. A change adding no regex passes.
 */
export async function assertRegexTriggerRoom(
  Friend: Models['Friend'],
  account: { _id: Types.ObjectId; settings?: { defaultRules?: unknown } | null },
  change: { defaultRules: unknown } | { friendId?: Types.ObjectId; rules: unknown },
): Promise<void> {
  const replacesDefaults = 'defaultRules' in change;
  const added = regexTriggerCount(replacesDefaults ? change.defaultRules : change.rules);
  if (added === 0) return;
  const others = replacesDefaults || !change.friendId ? {} : { _id: { $ne: change.friendId } };
  const friends = await Friend.find({ accountId: account._id, 'rules.triggers.name.match': 'regex', ...others }, { rules: 1 }).lean();
  const total =
    added +
    (replacesDefaults ? 0 : regexTriggerCount(account.settings?.defaultRules)) +
    friends.reduce((sum, f) => sum + regexTriggerCount(f.rules), 0);
  if (total > MAX_REGEX_TRIGGERS_PER_ACCOUNT) {
    throw new ConflictError(
      'REGEX_TRIGGER_LIMIT_REACHED',
      `The account would have ${total} regex triggers over its rules; at most ${MAX_REGEX_TRIGGERS_PER_ACCOUNT} per account`,
    );
  }
}
