/** One dispatch as buffered for RESUME; `d` is already JSON so fan-out serialises once. */
export interface BufferedDispatch {
  s: number;
  t: string;
  d: string;
}

/**
 * The last `capacity` dispatches of a session, in sequence order (a ring: pushing past capacity
 * forgets the oldest). Sequence numbers are contiguous, so lookups are index arithmetic.
 */
export class ReplayBuffer {
  readonly #slots: Array<BufferedDispatch | undefined>;
  #start = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.#slots = new Array<BufferedDispatch | undefined>(capacity);
  }

  push(dispatch: BufferedDispatch): void {
    const capacity = this.#slots.length;
    if (this.#size < capacity) {
      this.#slots[(this.#start + this.#size) % capacity] = dispatch;
      this.#size += 1;
    } else {
      this.#slots[this.#start] = dispatch;
      this.#start = (this.#start + 1) % capacity;
    }
  }

  /**
   * Dispatches with `s > seq`, oldest first; null when the client is behind what is kept
   * (or claims a sequence never sent), so it must re-identify.
   */
  after(seq: number, lastSeq: number): BufferedDispatch[] | null {
    if (!Number.isInteger(seq) || seq > lastSeq || seq < 0) return null;
    const missing = lastSeq - seq;
    if (missing > this.#size) return null;
    const out: BufferedDispatch[] = [];
    const capacity = this.#slots.length;
    for (let i = this.#size - missing; i < this.#size; i++) {
      const slot = this.#slots[(this.#start + i) % capacity];
      if (slot) out.push(slot);
    }
    return out;
  }
}

export function dispatchFrame(dispatch: BufferedDispatch): string {
  return `{"op":0,"t":"${dispatch.t}","s":${dispatch.s},"d":${dispatch.d}}`;
}
