/**
 * Wall-clock time in an IANA time zone through `Intl.DateTimeFormat`, which carries the tz
 * database with Node, so no date library is needed.
 */

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // hourCycle h23: some ICU versions print midnight as "24" with `hour12: false`.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone (or alias) this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at instant `at` (epoch ms). Throws RangeError for bad zones. */
export function wallClock(at: number, timeZone: string): WallClock {
  const parts = formatterFor(timeZone).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** Offset of `timeZone` from UTC at instant `at`, in ms (positive east of Greenwich). */
function offsetAt(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/**
 * The first instant of the local calendar day `(year, month, day)` in `timeZone`.
 * Two passes settle the offset across a DST change; where midnight itself does not exist
 * (a few zones start DST at 00:00) the answer is the first instant after the gap.
 */
export function startOfLocalDay(
  year: number,
  month: number,
  day: number,
  timeZone: string,
): number {
  const midnightAsUtc = Date.UTC(year, month - 1, day);
  let at = midnightAsUtc - offsetAt(midnightAsUtc, timeZone);
  at = midnightAsUtc - offsetAt(at, timeZone);
  const w = wallClock(at, timeZone);
  const sameDay = w.year === year && w.month === month && w.day === day;
  // In a gap the estimate lands in the evening before; the day starts where the gap ends,
  // which is midnight read with the offset in force *before* the change.
  return sameDay ? at : midnightAsUtc - offsetAt(at - 3 * 3600_000, timeZone);
}
