import type { WorkerHeartbeat } from '../ipc/index.js';
import type { WorkerHandle } from './worker-handle.js';
import type { LiveProcess } from './worker-record.js';

export interface HeartbeatLimits {
  maxEventLoopLagMs: number;
  /** Lagging heartbeats in a row that make a child hung. */
  heartbeatMissThreshold: number;
  maxRssBytes: number;
}

export type HeartbeatVerdict =
  | { action: 'ok'; laggingBeats: number }
  | { action: 'kill'; laggingBeats: number; code: 'EVENT_LOOP_STALLED'; reason: string }
  | { action: 'replace'; laggingBeats: number; code: 'MEMORY_LIMIT'; reason: string };

/**
 * What one heartbeat says about a child (pure). Several lagging beats in a row make it hung: one
 * slow interval is what a CPU-starved (not hung) child looks like. Over the memory cap, it is
 * replaced gracefully.
 */
export function judgeHeartbeat(
  beat: Pick<WorkerHeartbeat, 'rss' | 'eventLoopLagMs'>,
  laggingBeats: number,
  limits: HeartbeatLimits,
): HeartbeatVerdict {
  const lagging = beat.eventLoopLagMs > limits.maxEventLoopLagMs ? laggingBeats + 1 : 0;
  if (lagging >= limits.heartbeatMissThreshold) {
    const reason = `event-loop delay ${Math.round(beat.eventLoopLagMs)} ms in ${lagging} heartbeats in a row`;
    return { action: 'kill', laggingBeats: lagging, code: 'EVENT_LOOP_STALLED', reason };
  }
  if (beat.rss > limits.maxRssBytes) {
    const reason = `rss ${beat.rss} bytes over the ${limits.maxRssBytes} cap`;
    return { action: 'replace', laggingBeats: lagging, code: 'MEMORY_LIMIT', reason };
  }
  return { action: 'ok', laggingBeats: lagging };
}

export interface HealthWatchOptions {
  startTimeoutMs: number;
  readyTimeoutMs: number;
  /** A timer ran out and the child is still stuck: kill it. */
  onStuck: (handle: WorkerHandle, code: string, reason: string) => void;
}

/**
 * The three watchdogs of a child, as timers on its handle: its first message (`start`), `ready`,
 * and any message at all within the heartbeat timeout (`heartbeat`).
 */
export class HealthWatch {
  readonly #options: HealthWatchOptions;

  constructor(options: HealthWatchOptions) {
    this.#options = options;
  }

  /** Arms the start and ready timers of a child just forked. */
  watchNewChild(handle: WorkerHandle, isReady: () => boolean): void {
    const { startTimeoutMs, readyTimeoutMs } = this.#options;
    handle.arm('start', startTimeoutMs, () =>
      this.#killIfStillStuck(handle, () => handle.messageCount === 0, 'START_TIMEOUT', `no message from the worker within ${startTimeoutMs} ms`),
    );
    handle.arm('ready', readyTimeoutMs, () =>
      this.#killIfStillStuck(handle, () => !isReady(), 'READY_TIMEOUT', `worker not ready within ${readyTimeoutMs} ms`),
    );
  }

  /** Any message proves the child's event loop runs: the first one ends the start timer. */
  noteAlive(proc: LiveProcess): void {
    const { handle, heartbeatTimeoutMs } = proc;
    handle.disarm('start');
    if (handle.isArmed('heartbeat')) {
      handle.refresh('heartbeat');
      return;
    }
    handle.arm('heartbeat', heartbeatTimeoutMs, () => {
      const seen = handle.messageCount;
      this.#killIfStillStuck(handle, () => handle.messageCount === seen, 'HEARTBEAT_TIMEOUT', `no heartbeat for ${heartbeatTimeoutMs} ms`);
    });
  }

  /** The child is leaving: only the kill timer applies now. */
  stopWatching(handle: WorkerHandle): void {
    for (const timer of ['start', 'ready', 'heartbeat'] as const) handle.disarm(timer);
  }

  /**
   * Kills a child whose timer ran out, unless a message that was already waiting in the IPC
   * socket proves it alive: after a stall of the parent itself, timers run before pending I/O is
   * read, so the verdict waits for one poll phase (setImmediate runs after it). A message read
   * meanwhile has re-armed the watchdog through noteAlive.
   */
  #killIfStillStuck(handle: WorkerHandle, stillStuck: () => boolean, code: string, reason: string): void {
    setImmediate(() => {
      if (stillStuck()) this.#options.onStuck(handle, code, reason);
    });
  }
}
