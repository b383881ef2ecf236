import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { StoreProcessStatus } from '../db/embedded/store-child.js';
import { WORKER_STATES, type WorkerState } from '../supervisor/worker-state.js';

/** Seconds: from a few ms (the store, IPC) to a minute (a delivery retried after a 429). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface MetricSources {
  workersByState(): Record<WorkerState, number>;
  liveStreams(): number;
  /** The embedded store's own process; absent when the server runs none (no `dac_embedded_store_*`). */
  embeddedStore?: (() => StoreProcessStatus) | undefined;
}

/**
 * Every Prometheus metric the server exposes at `/metrics`, on one registry. Names and labels
 * are listed in docs/operations.md; other modules (multi-node leases) register theirs on
 * `registry` too.
 */
export class AppMetrics {
  readonly registry = new Registry();
  readonly restarts: Counter<'cause'>;
  readonly activityEvents: Counter<'kind'>;
  readonly deliveries: Counter<'outcome' | 'reason'>;
  readonly presenceToStored: Histogram;
  readonly presenceToDelivered: Histogram;
  readonly ipcRoundTrip: Histogram<'type'>;
  readonly dbCommand: Histogram<'command' | 'outcome'>;

  /**
   * @param options.processMetrics prom-client's process metrics (CPU, memory, event-loop lag, GC):
   * they keep an event-loop delay monitor and a GC observer running, so only when scraped.
   */
  constructor(sources: MetricSources, options: { processMetrics: boolean } = { processMetrics: true }) {
    const registers = [this.registry];
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'dac_' });
    new Gauge({
      name: 'dac_workers',
      help: 'Account workers on this node, by state',
      labelNames: ['state'],
      registers,
      collect() {
        const counts = sources.workersByState();
        for (const state of WORKER_STATES) this.set({ state }, counts[state]);
      },
    });
    new Gauge({
      name: 'dac_live_streams',
      help: 'Open GET /api/events streams',
      registers,
      collect() {
        this.set(sources.liveStreams());
      },
    });
    if (sources.embeddedStore) registerStoreProcess(sources.embeddedStore, registers);
    this.restarts = new Counter({
      name: 'dac_worker_restarts_total',
      help: 'Worker processes forked again, by cause (the last error code, or "requested")',
      labelNames: ['cause'],
      registers,
    });
    this.activityEvents = new Counter({
      name: 'dac_activity_events_total',
      help: 'Presence changes of watched friends reported by the workers, by kind',
      labelNames: ['kind'],
      registers,
    });
    this.deliveries = new Counter({
      name: 'dac_deliveries_total',
      help: 'What became of activity events: sent, failed, or skipped with the reason (rule or content)',
      labelNames: ['outcome', 'reason'],
      registers,
    });
    this.presenceToStored = new Histogram({
      name: 'dac_presence_to_stored_seconds',
      help: 'From the worker seeing a presence change to its ActivityHistory write',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.presenceToDelivered = new Histogram({
      name: 'dac_presence_to_delivered_seconds',
      help: 'From the worker seeing a presence change to Discord accepting the message',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.ipcRoundTrip = new Histogram({
      name: 'dac_ipc_round_trip_seconds',
      help: 'Request to reply over a worker IPC channel, by request type',
      labelNames: ['type'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.dbCommand = new Histogram({
      name: 'dac_db_command_seconds',
      help: 'Database commands as the MongoDB driver timed them, by command and outcome',
      labelNames: ['command', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
  }
}

/** The embedded store's process, read from its own figures at each scrape (the same as `/api/status`). */
function registerStoreProcess(status: () => StoreProcessStatus, registers: Registry[]): void {
  new Counter({
    name: 'dac_embedded_store_restarts_total',
    help: 'Embedded store processes forked again, by cause ("crash": it exited; "hang": killed for leaving pings unanswered)',
    labelNames: ['cause'],
    registers,
    collect() {
      // The store child counts; the counter mirrors its totals (both causes, from 0).
      this.reset();
      for (const [cause, count] of Object.entries(status().restarts)) this.inc({ cause }, count);
    },
  });
  new Gauge({
    name: 'dac_embedded_store_up',
    help: 'Whether an embedded store process is ready and answering (1) or not (0: restarting, hung)',
    registers,
    collect() {
      this.set(status().up ? 1 : 0);
    },
  });
  new Gauge({
    name: 'dac_embedded_store_start_time_seconds',
    help: 'When the current (or last) embedded store process became ready, Unix seconds',
    registers,
    collect() {
      this.set(status().startedAt / 1000);
    },
  });
  new Gauge({
    name: 'dac_embedded_store_pid',
    help: 'Process id of the running embedded store process (0 while it restarts)',
    registers,
    collect() {
      this.set(status().pid ?? 0);
    },
  });
}
