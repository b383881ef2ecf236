import { describe, expect, it } from 'vitest';
import { FlushSchedule } from '../../../src/api/events/flush-schedule.js';

/** A schedule on a hand-moved clock; its timers run only when the test says so. */
function schedule() {
  let now = 1_000;
  const timers: Array<{ run: () => void; ms: number }> = [];
  const flushes = new FlushSchedule({
    flushMs: 20,
    steadyFlushMs: 100,
    now: () => now,
    setTimer: (run, ms) => {
      timers.push({ run, ms });
      return setTimeout(() => undefined, 0).unref();
    },
  });
  const stream = (name: string, log: string[]) => ({ flush: () => log.push(name) });
  return {
    flushes,
    timers,
    stream,
    at: (t: number) => (now = t),
    /** Runs the newest timer at its due time. */
    fire: () => {
      const timer = timers.at(-1)!;
      now += timer.ms;
      timer.run();
    },
  };
}

describe('FlushSchedule', () => {
  it('flushes every waiting stream once, in one round flushMs after a quiet spell', () => {
    const s = schedule();
    const log: string[] = [];
    const a = s.stream('a', log);
    const b = s.stream('b', log);
    s.flushes.add(a);
    s.flushes.add(b);
    s.flushes.add(a);
    expect(s.timers.map((t) => t.ms)).toEqual([20]);
    s.fire();
    expect(log).toEqual(['a', 'b']);
  });

  it('keeps rounds steadyFlushMs apart while events keep coming, and is back to flushMs after a pause', () => {
    const s = schedule();
    const log: string[] = [];
    const a = s.stream('a', log);
    s.flushes.add(a);
    s.fire(); // round at 1020
    s.at(1_030);
    s.flushes.add(a);
    expect(s.timers.at(-1)!.ms).toBe(90);
    s.fire(); // round at 1120
    s.at(1_200);
    s.flushes.add(a);
    expect(s.timers.at(-1)!.ms).toBe(20);
    s.fire(); // round at 1220
    s.at(1_500);
    s.flushes.add(a);
    expect(s.timers.at(-1)!.ms).toBe(20);
    expect(log).toEqual(['a', 'a', 'a']);
  });

  it('drops the pending round on stop, and schedules afresh after it', () => {
    const s = schedule();
    const log: string[] = [];
    s.flushes.add(s.stream('a', log));
    s.flushes.stop();
    s.timers[0]!.run();
    expect(log).toEqual([]);
    s.flushes.add(s.stream('b', log));
    expect(s.timers).toHaveLength(2);
  });
});
