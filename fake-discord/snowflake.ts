import { DISCORD_EPOCH_MS } from './constants.js';

const EPOCH = BigInt(DISCORD_EPOCH_MS);
const INCREMENT_LIMIT = 4096n;

/**
 * Generates Discord snowflakes: `(ms since 2015) << 22 | worker << 17 | process << 12 | increment`.
 * Ids are unique and strictly increasing per generator, also when called thousands of times within
 * one millisecond or when the clock steps back.
 */
export class SnowflakeGenerator {
  readonly #now: () => number;
  readonly #node: bigint;
  #lastMs = -1n;
  #increment = 0n;

  /**
   * @param options.workerId 0–31 @defaultValue 1
   * @param options.processId 0–31 @defaultValue 0
   * @param options.now clock in epoch ms @defaultValue Date.now
   */
  constructor(options: { workerId?: number; processId?: number; now?: () => number } = {}) {
    const workerId = BigInt(options.workerId ?? 1) & 31n;
    const processId = BigInt(options.processId ?? 0) & 31n;
    this.#node = (workerId << 17n) | (processId << 12n);
    this.#now = options.now ?? Date.now;
  }

  next(): string {
    let ms = BigInt(Math.floor(this.#now())) - EPOCH;
    if (ms <= this.#lastMs) {
      ms = this.#lastMs;
      this.#increment += 1n;
      if (this.#increment === INCREMENT_LIMIT) {
        // Borrow the next millisecond rather than repeat an id.
        ms += 1n;
        this.#increment = 0n;
      }
    } else {
      this.#increment = 0n;
    }
    this.#lastMs = ms;
    return ((ms << 22n) | this.#node | this.#increment).toString();
  }
}

/** The creation time (epoch ms) encoded in a snowflake. */
export function snowflakeTimestamp(id: string): number {
  return Number(BigInt(id) >> 22n) + DISCORD_EPOCH_MS;
}
