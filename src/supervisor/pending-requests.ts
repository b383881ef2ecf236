/**
 * In-flight IPC requests of one child, matched to replies by request id. Each has its own
 * timeout; `rejectAll` fails every one of them at once (the child exited).
 */

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class PendingRequests {
  readonly #pending = new Map<number, Pending>();

  get size(): number {
    return this.#pending.size;
  }

  /** Registers request `id`; the promise rejects with `onTimeout()` after `timeoutMs`. */
  add<T>(id: number, timeoutMs: number, onTimeout: () => Error): Promise<T> {
    if (this.#pending.has(id)) throw new Error(`request id ${id} is already pending`);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(onTimeout());
      }, timeoutMs);
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
    });
  }

  /** Settles request `id` with a value; false when it is unknown (late or forged reply). */
  resolve(id: number, value: unknown): boolean {
    const entry = this.#take(id);
    entry?.resolve(value);
    return entry !== undefined;
  }

  /** Fails request `id`; false when it is unknown. */
  reject(id: number, error: Error): boolean {
    const entry = this.#take(id);
    entry?.reject(error);
    return entry !== undefined;
  }

  /** Fails every pending request with an error built per request id. */
  rejectAll(error: (id: number) => Error): void {
    for (const id of [...this.#pending.keys()]) this.reject(id, error(id));
  }

  #take(id: number): Pending | undefined {
    const entry = this.#pending.get(id);
    if (entry === undefined) return undefined;
    clearTimeout(entry.timer);
    this.#pending.delete(id);
    return entry;
  }
}
