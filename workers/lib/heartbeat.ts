import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type HeartbeatMessage, message } from '../../src/supervisor/protocol.js';

export interface HeartbeatOptions {
  intervalMs: number;
  /** Gateway websocket ping in ms, or a negative number until one was measured. */
  gatewayPing: () => number;
  send: (beat: HeartbeatMessage) => void;
}

/** 10 ms resolution is plenty for a lag the supervisor acts on at hundreds of ms. */
const LOOP_DELAY_RESOLUTION_MS = 10;

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
export function startHeartbeat({ intervalMs, gatewayPing, send }: HeartbeatOptions): { stop(): void } {
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  loopDelay.enable();
  const beat = () => {
    const { rss, heapUsed } = process.memoryUsage();
    const ping = gatewayPing();
    send(
      message<HeartbeatMessage>({
        type: 'heartbeat',
        rss,
        heapUsed,
        eventLoopLagMs: takeLoopDelayP99(loopDelay),
        gatewayPingMs: Number.isFinite(ping) && ping >= 0 ? Math.round(ping) : -1,
        at: Date.now(),
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
