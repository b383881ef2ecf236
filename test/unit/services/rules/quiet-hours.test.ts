import { describe, expect, it } from 'vitest';
import { isQuietTime } from '../../../../src/services/rules/quiet-hours.js';

const at = (iso: string) => new Date(iso);

describe('quiet hours', () => {
  it('a same-day period includes its start and excludes its end', () => {
    const q = { start: '09:00', end: '17:00', timeZone: 'UTC' };
    expect(isQuietTime(at('2024-06-01T08:59:00Z'), q)).toBe(false);
    expect(isQuietTime(at('2024-06-01T09:00:00Z'), q)).toBe(true);
    expect(isQuietTime(at('2024-06-01T16:59:59Z'), q)).toBe(true);
    expect(isQuietTime(at('2024-06-01T17:00:00Z'), q)).toBe(false);
  });

  it('a period ending earlier than it starts spans midnight', () => {
    const q = { start: '22:00', end: '07:00', timeZone: 'UTC' };
    expect(isQuietTime(at('2024-06-01T21:59:00Z'), q)).toBe(false);
    expect(isQuietTime(at('2024-06-01T22:00:00Z'), q)).toBe(true);
    expect(isQuietTime(at('2024-06-02T00:00:00Z'), q)).toBe(true);
    expect(isQuietTime(at('2024-06-02T06:59:00Z'), q)).toBe(true);
    expect(isQuietTime(at('2024-06-02T07:00:00Z'), q)).toBe(false);
    expect(isQuietTime(at('2024-06-02T12:00:00Z'), q)).toBe(false);
  });

  it('start equal to end is an empty period', () => {
    const q = { start: '08:00', end: '08:00', timeZone: 'UTC' };
    expect(isQuietTime(at('2024-06-01T08:00:00Z'), q)).toBe(false);
  });

  it('reads the clock of the configured time zone', () => {
    const q = { start: '22:00', end: '07:00', timeZone: 'Asia/Tokyo' }; // UTC+9, no DST
    expect(isQuietTime(at('2024-06-01T13:30:00Z'), q)).toBe(true); // 22:30 in Tokyo
    expect(isQuietTime(at('2024-06-01T12:30:00Z'), q)).toBe(false); // 21:30 in Tokyo
  });

  it('handles zones with a non-whole-hour offset', () => {
    const q = { start: '09:00', end: '09:30', timeZone: 'Asia/Kolkata' }; // UTC+5:30
    expect(isQuietTime(at('2024-06-01T03:40:00Z'), q)).toBe(true); // 09:10 local
    expect(isQuietTime(at('2024-06-01T04:00:00Z'), q)).toBe(false); // 09:30 local
  });

  it('keeps the local wall-clock period on both sides of a DST change', () => {
    const q = { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' };
    // Winter (UTC+1): 06:30 local = 05:30Z; summer (UTC+2): 06:30 local = 04:30Z.
    expect(isQuietTime(at('2024-03-30T05:30:00Z'), q)).toBe(true);
    expect(isQuietTime(at('2024-03-31T04:30:00Z'), q)).toBe(true);
    // 07:30 local on the day the clocks went forward (2024-03-31) is 05:30Z: no longer quiet.
    expect(isQuietTime(at('2024-03-31T05:30:00Z'), q)).toBe(false);
  });

  it('is correct during the repeated hour when clocks go back', () => {
    const q = { start: '02:00', end: '03:00', timeZone: 'Europe/Berlin' };
    // 2024-10-27: 02:00–03:00 local happens twice, at 00:00Z–01:00Z and 01:00Z–02:00Z.
    expect(isQuietTime(at('2024-10-27T00:30:00Z'), q)).toBe(true);
    expect(isQuietTime(at('2024-10-27T01:30:00Z'), q)).toBe(true);
    expect(isQuietTime(at('2024-10-27T02:30:00Z'), q)).toBe(false);
  });
});
