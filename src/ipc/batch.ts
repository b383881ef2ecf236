/**
 * Messages sent to one process in one turn of the event loop go out as one write: a `batch`
 * envelope `{ v, type: 'batch', messages: [...] }` carrying them in order. child_process's
 * `send()` serialises and writes each message on its own (a syscall, and a wake-up of the
 * reader, per message); a burst of deliveries to one worker, or of presence changes from one
 * gateway read, then costs one. A lone message goes out as itself. Free of TypeBox, like
 * `ops.ts`: the worker bundle uses this too.
 *
 * The envelope is not a message of the typed protocol: receivers unwrap it (`unbatch`) and parse
 * each entry on its own, so a malformed entry is logged and dropped without losing the others.
 */
import { PROTOCOL_VERSION } from './ops.js';

/** The `type` of the envelope around the messages of one write. */
export const BATCH_TYPE = 'batch';

export interface IpcBatch {
  v: typeof PROTOCOL_VERSION;
  type: typeof BATCH_TYPE;
  messages: unknown[];
}

/**
 * The messages one received value holds, in order: a batch's entries, or the value itself
 * (anything that is not a well-formed batch is one message, parsed and maybe dropped as such).
 */
export function unbatch(raw: unknown): unknown[] {
  if (typeof raw === 'object' && raw !== null) {
    const batch = raw as Partial<IpcBatch>;
    if (batch.type === BATCH_TYPE && batch.v === PROTOCOL_VERSION && Array.isArray(batch.messages)) return batch.messages;
  }
  return [raw];
}

/** Writes one value to the channel; `done` is called once it was handed to the OS, or failed. */
export type ChannelWrite = (payload: unknown, done: (error: Error | null) => void) => void;

interface Queued {
  message: unknown;
  done: (error: Error | null) => void;
}

/**
 * Gathers what is sent in one turn of the event loop and writes it at the end of that turn
 * (`setImmediate`, the check phase right after the I/O callbacks that produced it), in order.
 * Every message's `done` is called with its write's outcome.
 */
export class BatchedSender {
  readonly #write: ChannelWrite;
  #queue: Queued[] = [];

  constructor(write: ChannelWrite) {
    this.#write = write;
  }

  /**
   * Queues a message for the end of the turn; with `now`, writes it at once, together with what
   * is queued before it (a message whose effect must not wait: order is kept either way).
   */
  send(message: unknown, done: (error: Error | null) => void, now = false): void {
    if (this.#queue.length === 0 && !now) setImmediate(() => this.flush());
    this.#queue.push({ message, done });
    if (now) this.flush();
  }

  /** Writes what is queued now (also called at the end of the turn). */
  flush(): void {
    const queued = this.#queue;
    if (queued.length === 0) return;
    this.#queue = [];
    const payload: unknown =
      queued.length === 1
        ? queued[0]!.message
        : ({ v: PROTOCOL_VERSION, type: BATCH_TYPE, messages: queued.map((q) => q.message) } satisfies IpcBatch);
    const settle = (error: Error | null) => {
      for (const q of queued) q.done(error);
    };
    try {
      this.#write(payload, settle);
    } catch (err) {
      settle(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
