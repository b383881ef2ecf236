import { describe, expect, it } from 'vitest';
import { plannedChange } from '../../../../scripts/loadtest/change-plan.js';

describe('plannedChange', () => {
  it('starts a uniquely named game on odd changes', () => {
    expect(plannedChange(3)).toEqual({
      presence: { status: 'online', activities: [{ name: 'g3', type: 0 }] },
      kind: 'activity:start',
      name: 'g3',
    });
  });

  it('ends the game the previous change started on even changes', () => {
    expect(plannedChange(4)).toEqual({ presence: { status: 'online', activities: [] }, kind: 'activity:end', name: 'g3' });
  });

  it('gives every change of a friend a different event', () => {
    const events = Array.from({ length: 100 }, (_, i) => plannedChange(i + 1)).map((c) => `${c.kind} ${c.name}`);
    expect(new Set(events).size).toBe(100);
  });

  it('refuses a change number below 1', () => {
    expect(() => plannedChange(0)).toThrow(RangeError);
  });
});
