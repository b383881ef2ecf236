import type { DayWindow } from './day-window.js';
import type { RuleCounters, RuleRejection } from './evaluate.js';
import type { Rule } from './rule-schema.js';

/**
 * When a rejection stops applying, for the ones with a clock: a cooldown ends `cooldownSeconds`
 * after the last delivery, a daily cap at the end of the cap's day. Undefined for the others
 * (no trigger, disabled, quiet hours — which end on the wall clock of their zone).
 */
export function rejectionUntil(reason: RuleRejection, rule: Rule, counters: RuleCounters, day: DayWindow): number | undefined {
  if (reason === 'cooldown' && counters.lastSentAt !== undefined) return counters.lastSentAt + rule.cooldownSeconds * 1000;
  if (reason === 'friend-cap' || reason === 'account-cap') return day.end.getTime();
  return undefined;
}
