import type { QuietHours } from './rule-schema.js';
import { wallClock } from './zoned-time.js';

/** `HH:MM` → minutes after local midnight. */
export function clockMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/**
 * Whether `now` falls in the quiet period, read on the wall clock of `quiet.timeZone`.
 * The period is `[start, end)`; `end` earlier than `start` spans midnight; `start === end` is an
 * empty period (never quiet). Working on the local wall clock keeps a 22:00–07:00 period at
 * 22:00–07:00 on both sides of a DST change.
 */
export function isQuietTime(now: Date, quiet: QuietHours): boolean {
  const w = wallClock(now.getTime(), quiet.timeZone);
  const minute = w.hour * 60 + w.minute;
  const start = clockMinutes(quiet.start);
  const end = clockMinutes(quiet.end);
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}
