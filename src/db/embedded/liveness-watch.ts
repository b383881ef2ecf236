/** The longest gap between two pings: one small IPC message each way every few seconds when idle. */
const MAX_PING_INTERVAL_MS = 5_000;

export interface LivenessWatchOptions {
  /** Sends ping `seq` to the process (a failed send is the exit path's business, not this one's). */
  ping(seq: number): void;
  /** The process has left a ping unanswered this long (> 0). */
  timeoutMs: number;
  /** Called once, when a ping has gone unanswered for `timeoutMs`; the watch has stopped. */
  onHung(silentMs: number): void;
}

/**
 * Whether a child process's event loop still turns: one ping at a time, every quarter of the
 * timeout (at most every 5 s); the child is hung when a ping has gone unanswered for the timeout.
 */
export class LivenessWatch {
  readonly #options: LivenessWatchOptions;
  readonly #timer: NodeJS.Timeout;
  #seq = 0;
  #awaiting: { seq: number; sentAt: number } | undefined;
  #stopped = false;

  constructor(options: LivenessWatchOptions) {
    this.#options = options;
    const everyMs = Math.min(MAX_PING_INTERVAL_MS, Math.max(1, Math.floor(options.timeoutMs / 4)));
    this.#timer = setInterval(() => this.#tick(), everyMs);
    // The watch never keeps the server alive by itself.
    this.#timer.unref();
  }

  /** The child answered ping `seq`. */
  answered(seq: number): void {
    if (this.#awaiting?.seq === seq) this.#awaiting = undefined;
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  #tick(): void {
    // Judged after this loop turn's I/O: a server whose own loop was stalled still reads the
    // pong waiting in the channel before it blames the child for the time it could not read.
    setImmediate(() => {
      if (this.#stopped) return;
      const now = performance.now();
      if (this.#awaiting === undefined) {
        this.#awaiting = { seq: ++this.#seq, sentAt: now };
        this.#options.ping(this.#seq);
        return;
      }
      const silentMs = now - this.#awaiting.sentAt;
      if (silentMs < this.#options.timeoutMs) return;
      this.stop();
      this.#options.onHung(Math.round(silentMs));
    });
  }
}
