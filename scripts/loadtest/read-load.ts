import type { FleetApiClient } from './fleet-api-client.js';

export interface ReadSample {
  /** Harness clock when the request was sent. */
  at: number;
  route: 'accounts' | 'activity';
  ms: number;
  status: number;
}

/** How often the schedule is checked. */
const TICK_MS = 10;

/**
 * The read side of the load: authenticated `GET /api/accounts` and `GET /api/accounts/:id/activity`
 * (alternating, a random account each time) at a steady rate while presences change, with at
 * most `maxInFlight` requests open. Each request's latency and status is kept.
 */
export class ReadLoad {
  readonly samples: ReadSample[] = [];
  readonly #api: FleetApiClient;
  readonly #accountIds: readonly string[];
  readonly #rate: number;
  readonly #maxInFlight: number;
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #issued = 0;

  constructor(api: FleetApiClient, accountIds: readonly string[], rate: number, maxInFlight = 4) {
    this.#api = api;
    this.#accountIds = accountIds;
    this.#rate = rate;
    this.#maxInFlight = maxInFlight;
  }

  start(): void {
    if (this.#rate <= 0 || this.#accountIds.length === 0) return;
    const start = Date.now();
    const tick = () => {
      const target = Math.floor((this.#rate * (Date.now() - start)) / 1000);
      // Requests that could not be sent while the server was slow are not made up in a burst.
      if (this.#inFlight.size >= this.#maxInFlight) this.#issued = target;
      while (this.#issued < target && this.#inFlight.size < this.#maxInFlight) {
        this.#issued++;
        const request = this.#request(this.#issued % 2 === 0 ? 'accounts' : 'activity');
        this.#inFlight.add(request);
        void request.finally(() => this.#inFlight.delete(request));
      }
      this.#timer = setTimeout(tick, TICK_MS);
    };
    tick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    await Promise.allSettled([...this.#inFlight]);
  }

  async #request(route: ReadSample['route']): Promise<void> {
    const accountId = this.#accountIds[Math.floor(Math.random() * this.#accountIds.length)] as string;
    const path = route === 'accounts' ? '/api/accounts?limit=100' : `/api/accounts/${accountId}/activity?limit=20`;
    const at = Date.now();
    const started = performance.now();
    let status = 0;
    try {
      status = (await this.#api.get(path)).status;
    } catch {
      status = 0;
    }
    this.samples.push({ at, route, ms: performance.now() - started, status });
  }
}
