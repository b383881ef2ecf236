import { describe, expect, it } from 'vitest';
import { DEMO_ACTIVITIES, nextPresence } from '../../../../scripts/lib/random-presence-driver.js';

/** A deterministic random source cycling through `values`. */
function sequence(...values: number[]) {
  let i = 0;
  return () => values[i++ % values.length] as number;
}

describe('nextPresence', () => {
  it('brings someone offline online with an activity, whatever the roll', () => {
    for (const roll of [0, 0.1, 0.2, 0.3, 0.9]) {
      const next = nextPresence({ status: 'offline', activities: [] }, sequence(roll, 0.5));
      expect(next.status).toBe('online');
      expect(next.activities).toHaveLength(1);
    }
  });

  it('never picks the activity that is already going on', () => {
    const current = { status: 'online' as const, activities: [DEMO_ACTIVITIES[0]!] };
    for (let r = 0; r < 1; r += 0.05) {
      const next = nextPresence(current, sequence(0.9, r));
      expect(next.activities?.[0]?.name).not.toBe(DEMO_ACTIVITIES[0]!.name);
    }
  });

  it('sends someone online offline on a low roll', () => {
    expect(nextPresence({ status: 'online', activities: [] }, sequence(0.05))).toEqual({ status: 'offline', activities: [] });
  });
});
