import type { RateSource } from './system-service.js';

export interface ThroughputCounts {
  /** Activity events received since start. */
  events: number;
  /** Deliveries that reached Discord since start. */
  deliveries: number;
}

/** Events and deliveries per second between two calls of `rates()` (SystemService samples it). */
export class ThroughputMeter implements RateSource {
  readonly #counts: () => ThroughputCounts;
  readonly #now: () => number;
  #last: ThroughputCounts & { at: number };

  constructor(counts: () => ThroughputCounts, now: () => number = Date.now) {
    this.#counts = counts;
    this.#now = now;
    this.#last = { at: now(), events: 0, deliveries: 0 };
  }

  rates(): { eventsPerSec: number; deliveriesPerSec: number } {
    const now = this.#now();
    const { events, deliveries } = this.#counts();
    const seconds = Math.max((now - this.#last.at) / 1000, 0.001);
    const rates = {
      eventsPerSec: (events - this.#last.events) / seconds,
      deliveriesPerSec: (deliveries - this.#last.deliveries) / seconds,
    };
    this.#last = { at: now, events, deliveries };
    return rates;
  }
}
