import { describe, expect, it } from 'vitest';
import { judgeHeartbeat } from '../../../src/supervisor/health-watch.js';

const limits = { maxEventLoopLagMs: 5_000, heartbeatMissThreshold: 3, maxRssBytes: 512 * 1024 * 1024 };
const healthy = { rss: 80 * 1024 * 1024, eventLoopLagMs: 3 };

describe('judgeHeartbeat', () => {
  it('finds a healthy beat fine and resets the lagging count', () => {
    expect(judgeHeartbeat(healthy, 2, limits)).toEqual({ action: 'ok', laggingBeats: 0 });
  });

  it('counts lagging beats without acting on fewer than the threshold', () => {
    expect(judgeHeartbeat({ ...healthy, eventLoopLagMs: 6_000 }, 1, limits)).toEqual({ action: 'ok', laggingBeats: 2 });
  });

  it('declares the child hung at the threshold of lagging beats in a row', () => {
    expect(judgeHeartbeat({ ...healthy, eventLoopLagMs: 6_000 }, 2, limits)).toEqual({
      action: 'kill',
      laggingBeats: 3,
      code: 'EVENT_LOOP_STALLED',
      reason: 'event-loop delay 6000 ms in 3 heartbeats in a row',
    });
  });

  it('replaces a child over its memory cap', () => {
    expect(judgeHeartbeat({ ...healthy, rss: limits.maxRssBytes + 1 }, 0, limits)).toMatchObject({ action: 'replace', code: 'MEMORY_LIMIT' });
  });

  it('kills a hung child before it considers its memory', () => {
    expect(judgeHeartbeat({ rss: limits.maxRssBytes + 1, eventLoopLagMs: 9_000 }, 2, limits)).toMatchObject({ action: 'kill' });
  });
});
