import type { Rule } from './rule-schema.js';
import { startOfLocalDay, wallClock } from './zoned-time.js';

export interface DayWindow {
  /** First instant of the local day (inclusive). */
  start: Date;
  /** First instant of the next local day (exclusive). 23 or 25 hours after `start` on DST days. */
  end: Date;
}

/**
 * The zone whose calendar day the daily caps count in: the rule's quiet-hours zone when it has
 * one, UTC otherwise.
 */
export function capTimeZone(rule: Pick<Rule, 'quietHours'>): string {
  return rule.quietHours?.timeZone ?? 'UTC';
}

/**
 * The last day computed per zone, as epoch ms: every event asks for today's window, and working
 * it out takes five `Intl` calls, while the answer changes once a day. Bounded by the zones in use.
 */
const lastDay = new Map<string, { start: number; end: number }>();

/** The local calendar day containing `now` in `timeZone`, as an instant range. */
export function dayWindow(now: Date, timeZone: string): DayWindow {
  const at = now.getTime();
  let day = lastDay.get(timeZone);
  if (day === undefined || at < day.start || at >= day.end) {
    const w = wallClock(at, timeZone);
    const next = new Date(Date.UTC(w.year, w.month - 1, w.day + 1));
    day = {
      start: startOfLocalDay(w.year, w.month, w.day, timeZone),
      end: startOfLocalDay(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone),
    };
    lastDay.set(timeZone, day);
  }
  return { start: new Date(day.start), end: new Date(day.end) };
}

/** The day window the caps of `rule` count deliveries in (see `capTimeZone`). */
export function capDayWindow(rule: Pick<Rule, 'quietHours'>, now: Date): DayWindow {
  return dayWindow(now, capTimeZone(rule));
}
