import { describe, expect, it } from 'vitest';
import { capDayWindow, capTimeZone, dayWindow } from '../../../../src/services/rules/day-window.js';

const HOUR = 3600_000;

describe('day windows for the daily caps', () => {
  it('a UTC day runs from midnight to midnight UTC', () => {
    const w = dayWindow(new Date('2024-06-01T15:00:00Z'), 'UTC');
    expect(w.start.toISOString()).toBe('2024-06-01T00:00:00.000Z');
    expect(w.end.toISOString()).toBe('2024-06-02T00:00:00.000Z');
  });

  it('a zoned day starts at local midnight', () => {
    const w = dayWindow(new Date('2024-06-01T02:00:00Z'), 'America/New_York'); // 22:00 on May 31
    expect(w.start.toISOString()).toBe('2024-05-31T04:00:00.000Z');
    expect(w.end.toISOString()).toBe('2024-06-01T04:00:00.000Z');
  });

  it('instants asked for one after another in one zone each get their own day (the last day is remembered)', () => {
    const zone = 'Asia/Kolkata'; // UTC+5:30: local midnight is 18:30 UTC
    const days = ['2024-06-01T18:29:59.999Z', '2024-06-01T18:30:00.000Z', '2024-06-01T18:29:59.999Z', '2024-06-03T01:00:00.000Z', '2024-06-01T00:00:00.000Z'].map(
      (at) => dayWindow(new Date(at), zone).start.toISOString(),
    );
    expect(days).toEqual(['2024-05-31T18:30:00.000Z', '2024-06-01T18:30:00.000Z', '2024-05-31T18:30:00.000Z', '2024-06-02T18:30:00.000Z', '2024-05-31T18:30:00.000Z']);
    // The window handed out is the caller's own: changing it changes no later answer.
    dayWindow(new Date('2024-06-01T12:00:00Z'), zone).end.setTime(0);
    expect(dayWindow(new Date('2024-06-01T12:00:00Z'), zone).end.toISOString()).toBe('2024-06-01T18:30:00.000Z');
  });

  it('the day the clocks go forward is 23 hours long', () => {
    const w = dayWindow(new Date('2024-03-10T18:00:00Z'), 'America/New_York');
    expect(w.start.toISOString()).toBe('2024-03-10T05:00:00.000Z');
    expect(w.end.getTime() - w.start.getTime()).toBe(23 * HOUR);
  });

  it('the day the clocks go back is 25 hours long', () => {
    const w = dayWindow(new Date('2024-10-27T12:00:00Z'), 'Europe/London');
    expect(w.start.toISOString()).toBe('2024-10-26T23:00:00.000Z');
    expect(w.end.getTime() - w.start.getTime()).toBe(25 * HOUR);
  });

  it('a day whose midnight falls in a DST gap starts when the gap ends', () => {
    // Chile moved from UTC-4 to UTC-3 at 2024-09-08 00:00 local: the day starts at 01:00 local.
    const w = dayWindow(new Date('2024-09-08T15:00:00Z'), 'America/Santiago');
    expect(w.start.toISOString()).toBe('2024-09-08T04:00:00.000Z');
    expect(w.end.toISOString()).toBe('2024-09-09T03:00:00.000Z');
  });

  it('a window crosses month and year ends', () => {
    const w = dayWindow(new Date('2024-12-31T20:00:00Z'), 'Pacific/Auckland'); // Jan 1, 09:00
    expect(w.start.toISOString()).toBe('2024-12-31T11:00:00.000Z');
    expect(w.end.toISOString()).toBe('2025-01-01T11:00:00.000Z');
  });

  it('caps count in the quiet-hours zone, or UTC without one', () => {
    expect(capTimeZone({})).toBe('UTC');
    const rule = { quietHours: { start: '22:00', end: '07:00', timeZone: 'Asia/Tokyo' } };
    expect(capTimeZone(rule)).toBe('Asia/Tokyo');
    expect(capDayWindow(rule, new Date('2024-06-01T16:00:00Z')).start.toISOString()).toBe(
      '2024-06-01T15:00:00.000Z',
    );
  });
});
