import type { ChaosEvent } from './chaos.js';
import type { NodeChaosEvent } from './node-chaos.js';
import type { NodeStatus } from './server-fleet.js';
import type { CpuSample } from './resource-sampler.js';
import type { FakeStats } from '../../fake-discord/records.js';
import type { DriverStats } from './paced-presence-driver.js';
import type { LoadTestOptions } from './options.js';
import type { Reconciliation } from './reconcile.js';
import type { MemoryFigures } from './proc-stats.js';
import type { LatencySummary } from './stats.js';

/**
 * Latencies of one load phase, each from the moment the harness sent the presence change
 * (just before writing the PUT to the fake Discord) to:
 */
export interface PhaseLatencies {
  /** …the worker saw it: ActivityHistory `at`, stamped by the worker. */
  observed: LatencySummary;
  /** …the server received it over IPC (the supervisor's `activity` event). */
  received: LatencySummary;
  /** …its ActivityHistory insert was acknowledged by the database. */
  stored: LatencySummary;
  /** …the fake Discord stored the message the server sent for it. */
  delivered: LatencySummary;
  /** The server's own ContentHistory `latencyMs`: worker saw it → Discord answered the send. */
  serverDelivery: LatencySummary;
  /** …a bare discord.js client's `presenceUpdate` fired (baseline). */
  baseline?: LatencySummary;
  /** …the fake Discord stored the bare client's reply (baseline, reply mode). */
  baselineDelivered?: LatencySummary;
}

export interface TimelinePoint {
  /** Seconds since the phase started, by send time. */
  second: number;
  sent: number;
  storedP50: number;
  storedP99: number;
  deliveredP50: number;
  deliveredP99: number;
  /** The server's longest event-loop delay in that second (by wall clock), ms. */
  serverLagMax: number;
  /** The whole machine's CPU in that second, % of one core. */
  machineCpuPct: number;
}

export interface ReadLatency extends LatencySummary {
  errors: number;
}

export interface MemoryTotals {
  at: number;
  workers: number;
  /** Summed over workers, bytes. */
  rss: number;
  pss: number;
  uss: number;
  server: MemoryFigures | null;
  /** The embedded store's own process; null when it has none (inside the server, or MongoDB elsewhere). */
  store: MemoryFigures | null;
}

export interface PhaseResult {
  /** 'warm-up', 'load', or 'round N' in a benchmark. */
  label: string;
  rate: number;
  durationS: number;
  chaos: boolean;
  startedAt: number;
  driver: DriverStats;
  /** Events stored per second during the phase (probe). */
  storedRate: number;
  latency: PhaseLatencies;
  timeline: TimelinePoint[];
  /** Pipeline outcomes of the phase's events by status (sent, failed, skipped, no-match). */
  outcomes: Record<string, number>;
  /** Outcomes whose kind did not match the event they were paired with: must be 0. */
  correlationErrors: number;
  reads: { accounts: ReadLatency; activity: ReadLatency };
  /** The server's event-loop delay: median and max over the phase's seconds of the per-second p99 and max, ms. */
  serverLag: { p99Median: number; maxMedian: number; max: number };
  /** Medians (and the server's max) of the per-second samples, % of one core. */
  cpu: {
    serverMeanPct: number;
    serverMaxPct: number;
    workersMeanPct: number;
    /** The embedded store's own process; NaN when it has none (inside the server, or MongoDB elsewhere). */
    storeMeanPct: number;
    fakeMeanPct: number;
    baselineMeanPct: number;
    harnessMeanPct: number;
    /** Everything on the machine; minus the above, what other users of the machine took. */
    machineMeanPct: number;
  };
  /** The 1 s CPU samples behind `cpu`. */
  cpuSamples: CpuSample[];
  memory: MemoryTotals[];
  /** Chaos actions taken (empty without --chaos), with their recovery times. */
  chaosEvents: ChaosEvent[];
  /** Node chaos actions taken (several nodes, --node-chaos), with failover and rebalance times. */
  nodeChaosEvents: NodeChaosEvent[];
  /** Baseline observer reply failures (reply mode). */
  baselineErrors: string[];
}

export interface SetupResult {
  /** When the first start request was sent. */
  startAt: number;
  /** Start request → worker ready (server's readyAt), ms, one per account, ascending. */
  readyMs: number[];
  /** Until the last account was ready, ms. */
  allReadyMs: number;
}

export interface WorkerFinal {
  accountId: string;
  state: string;
  restarts: number;
  /** The node running it (several nodes). */
  node?: string;
}

export interface WorkerMemoryFinal extends MemoryFigures {
  accountId: string | undefined;
}

export interface LoadTestResult {
  options: LoadTestOptions;
  /** What ran: `commit <hash>` with --ref, else the server bundle's path. */
  build: string;
  machine: { cpus: number; memoryGiB: number; node: string; loadAverageStart: number[]; loadAverageEnd: number[] };
  setup: SetupResult;
  phases: PhaseResult[];
  reconciliation: Reconciliation;
  workers: { final: WorkerFinal[]; allReady: boolean; restarts: number };
  memory: {
    workers: WorkerMemoryFinal[];
    server: MemoryFigures | null;
    /** The embedded store's own process at the end; null when it has none. */
    store: MemoryFigures | null;
    perWorkerMedian: MemoryFigures;
    totals: MemoryTotals;
  };
  content: { sent: number; failed: number; skipped: number; messagesInFake: number };
  fake: FakeStats;
  /** Every server node of the run and how it ended (killed, stopped by node chaos, or up). */
  nodes: Array<{ id: string; status: NodeStatus }>;
  /** SIGTERM → server exited (graceful shutdown with every worker), ms. */
  shutdownMs: number | null;
  /** Empty when every check passed. */
  problems: string[];
}
