import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { HeartbeatMessage } from '../../src/ipc/index.js';
import { ChildOp, message } from '../../src/ipc/ops.js';

export interface HeartbeatOptions {
  intervalMs: number;
  /** Gateway websocket ping in ms, or a negative number until one was measured. */
  gatewayPing: () => number;
  /** Sequence number of the last gateway dispatch passed on whole, if any. */
  seq: () => number | undefined;
  send: (beat: HeartbeatMessage) => void;
}

/**
 * The histogram samples the loop with a timer at this resolution, so it sets an idle worker's
 * wake-up rate: at 10 ms, 100 idle workers used half a core (load test). 100 ms is still fine
 * for a lag the supervisor acts on at seconds.
 */
const LOOP_DELAY_RESOLUTION_MS = 100;

/** The event-loop delay p99 since the last call, in whole ms; the histogram starts afresh. */
function takeLoopDelayP99(histogram: ReturnType<typeof monitorEventLoopDelay>): number {
  const p99 = histogram.count > 0 ? histogram.percentile(99) / 1e6 : 0;
  histogram.reset();
  return Math.round(p99);
}

/**
 * Sends a `heartbeat` every `intervalMs`: the supervisor's proof of life, and the figures its
 * watchdogs read (memory, a stalled event loop, the gateway's round trip).
 */
export function startHeartbeat({ intervalMs, gatewayPing, seq, send }: HeartbeatOptions): { stop: () => void } {
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  loopDelay.enable();
  const beat = () => {
    const { rss, heapUsed } = process.memoryUsage();
    const ping = gatewayPing();
    const lastSeq = seq();
    send(
      message<HeartbeatMessage>({
        type: ChildOp.Heartbeat,
        rss,
        heapUsed,
        eventLoopLagMs: takeLoopDelayP99(loopDelay),
        gatewayPingMs: Number.isFinite(ping) && ping >= 0 ? Math.round(ping) : -1,
        at: Date.now(),
        ...(lastSeq !== undefined && { seq: lastSeq }),
      }),
    );
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      loopDelay.disable();
    },
  };
}
