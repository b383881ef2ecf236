import { Timestamp } from 'bson';

/** A cluster time as one comparable number: seconds in the high 32 bits, the counter in the low. */
export type ClusterTime = bigint;

export function toTimestamp(time: ClusterTime): Timestamp {
  return new Timestamp({ t: Number(time >> 32n), i: Number(time & 0xffff_ffffn) });
}

export function fromTimestamp(timestamp: Timestamp): ClusterTime {
  return (BigInt(timestamp.t) << 32n) | BigInt(timestamp.i);
}

/**
 * The store's logical clock, as mongod's oplog times: seconds since the epoch and a counter that
 * orders the changes made within one second. It never goes back, also when the wall clock does.
 */
export class ClusterClock {
  readonly #now: () => number;
  #time: ClusterTime;

  constructor(now: () => number = Date.now) {
    this.#now = now;
    this.#time = BigInt(Math.floor(now() / 1000)) << 32n;
  }

  /** The time of the latest change (or of the store's start, before any). */
  get current(): ClusterTime {
    return this.#time;
  }

  /** The time of a new change: later than every time given before. */
  tick(): ClusterTime {
    const second = BigInt(Math.floor(this.#now() / 1000)) << 32n;
    this.#time = second > this.#time ? second | 1n : this.#time + 1n;
    return this.#time;
  }
}
