import type { ActivityEvent } from '../../ipc/index.js';
import { nameMatches } from './name-matcher.js';
import { isQuietTime } from './quiet-hours.js';
import type { Rule, Trigger } from './rule-schema.js';

/** What the caller knows about past deliveries; "today" is `capDayWindow(rule, now)`. */
export interface RuleCounters {
  /** When this friend was last sent something (epoch ms), if ever. */
  lastSentAt?: number;
  /** Deliveries to this friend today. */
  sentTodayFriend: number;
  /** Deliveries by the whole account today. */
  sentTodayAccount: number;
}

export type RuleRejection =
  | 'disabled'
  | 'no-trigger'
  | 'quiet-hours'
  | 'cooldown'
  | 'friend-cap'
  | 'account-cap';

export type RuleDecision = { match: true } | { match: false; reason: RuleRejection };

/** Whether one trigger matches: every field it sets must match the event. */
export function triggerMatches(trigger: Trigger, event: ActivityEvent): boolean {
  if (trigger.kinds && !trigger.kinds.includes(event.kind)) return false;
  if (
    trigger.activityTypes &&
    !(event.activity && trigger.activityTypes.includes(event.activity.type))
  ) {
    return false;
  }
  if (trigger.name && !(event.activity && nameMatches(trigger.name, event.activity.name))) {
    return false;
  }
  return true;
}

const reject = (reason: RuleRejection): RuleDecision => ({ match: false, reason });

/**
 * Decides whether `event` should lead to a delivery. Pure: the same inputs always give the same
 * answer. Checks run from the cheapest and most common rejection to the rarest, so the reason
 * reported is the first one that applies: disabled, no-trigger, quiet-hours, cooldown,
 * friend-cap, account-cap.
 */
export function evaluate(
  event: ActivityEvent,
  rule: Rule,
  counters: RuleCounters,
  now: Date,
): RuleDecision {
  if (!rule.enabled) return reject('disabled');
  if (!rule.triggers.some((t) => triggerMatches(t, event))) return reject('no-trigger');
  if (rule.quietHours && isQuietTime(now, rule.quietHours)) return reject('quiet-hours');
  if (
    rule.cooldownSeconds > 0 &&
    counters.lastSentAt !== undefined &&
    now.getTime() - counters.lastSentAt < rule.cooldownSeconds * 1000
  ) {
    return reject('cooldown');
  }
  if (rule.dailyCapPerFriend > 0 && counters.sentTodayFriend >= rule.dailyCapPerFriend) {
    return reject('friend-cap');
  }
  if (rule.dailyCapPerAccount > 0 && counters.sentTodayAccount >= rule.dailyCapPerAccount) {
    return reject('account-cap');
  }
  return { match: true };
}
