import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import { Types } from 'mongoose';
import type { ClusterCounters } from '../cluster/cluster-coordinator.js';
import { VERSION } from '../config/version.js';
import type { StoreProcessStatus } from '../db/embedded/store-child.js';
import type { Models } from '../models/index.js';
import { emptyStateCounts, type WorkerState } from '../supervisor/worker-state.js';
import type { WorkerView } from './worker-control.js';

export interface WorkerFigures {
  list(): Array<WorkerView & { accountId: string }>;
  countsByState(): Record<WorkerState, number>;
}

export interface RateSource {
  /** Events and deliveries per second since the previous call. */
  rates(): { eventsPerSec: number; deliveriesPerSec: number };
}

/** One SystemMetrics document, as `sample()` writes it. */
export interface MetricsSample {
  at: Date;
  process: { rss: number; heapUsed: number; cpuPercent: number; eventLoopLagMs: number };
  workers: { total: number; byState: Record<string, number>; rssTotal: number };
  rates: { eventsPerSec: number; deliveriesPerSec: number };
}

/** The cluster as the status shows it (see ClusterCoordinator). */
export interface ClusterFigures {
  readonly nodeId: string;
  readonly counters: Readonly<ClusterCounters>;
  nodes(): Promise<Array<{ id: string; accounts: number; heartbeatAt: number; version: string; startedAt: number; capacity: number }>>;
}

export interface SystemServiceOptions {
  models: Pick<Models, 'DiscordAccount' | 'SystemMetrics'>;
  workers: WorkerFigures;
  cluster: ClusterFigures;
  rates: RateSource;
  isDbUp(): Promise<boolean>;
  dbKind: string;
  /** The embedded store's own process, when the server runs one (else undefined). */
  storeProcess(): StoreProcessStatus | undefined;
  intervalMs: number;
  logger: FastifyBaseLogger;
}

/**
 * Server and worker figures: `/api/status` reads them live, and a timer samples them into
 * SystemMetrics every few seconds (kept for METRICS_RETENTION_DAYS by a TTL index).
 */
export class SystemService {
  readonly #opts: SystemServiceOptions;
  readonly #loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  #timer?: NodeJS.Timeout;
  #lastRates = { eventsPerSec: 0, deliveriesPerSec: 0 };
  #lastCpu = process.cpuUsage();
  #lastCpuAt = process.hrtime.bigint();

  constructor(opts: SystemServiceOptions) {
    this.#opts = opts;
    this.#loop.enable();
  }

  startSampling(): void {
    this.#timer = setInterval(() => {
      this.sample().catch((err: unknown) => this.#opts.logger.warn({ err }, 'metrics sample failed'));
    }, this.#opts.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#loop.disable();
  }

  async sample(): Promise<void> {
    this.#lastRates = this.#opts.rates.rates();
    const now = process.hrtime.bigint();
    const cpu = process.cpuUsage(this.#lastCpu);
    const elapsedUs = Number(now - this.#lastCpuAt) / 1000;
    this.#lastCpu = process.cpuUsage();
    this.#lastCpuAt = now;
    const workers = this.#opts.workers.list();
    await this.#opts.models.SystemMetrics.create({
      at: new Date(),
      process: {
        rss: process.memoryUsage.rss(),
        heapUsed: process.memoryUsage().heapUsed,
        cpuPercent: elapsedUs > 0 ? ((cpu.user + cpu.system) / elapsedUs) * 100 : 0,
        eventLoopLagMs: this.#lagMs(),
      },
      workers: {
        total: workers.length,
        byState: this.#opts.workers.countsByState(),
        rssTotal: workers.reduce((sum, w) => sum + (w.lastHeartbeat?.rss ?? 0), 0),
      },
      rates: this.#lastRates,
    });
    this.#loop.reset();
  }

  /** The samples taken between `from` (inclusive) and `to`: the newest `limit`, oldest first. */
  async history(from: Date, to: Date, limit: number) {
    const rows = await this.#opts.models.SystemMetrics.find({ at: { $gte: from, $lt: to } }, { _id: 0 })
      .sort({ at: -1 })
      .limit(limit)
      .lean<MetricsSample[]>();
    return rows.reverse();
  }

  /** What `/api/status` answers. Admins also see the whole server. */
  async status(user: { sub: string; role: string }) {
    const [dbUp, owned] = await Promise.all([
      this.#opts.isDbUp(),
      this.#opts.models.DiscordAccount.find({ ownerId: new Types.ObjectId(user.sub) }, { _id: 1 }).lean(),
    ]);
    const live = new Map(this.#opts.workers.list().map((w) => [w.accountId, w]));
    const byState: Record<string, number> = emptyStateCounts();
    for (const a of owned) {
      const state = live.get(a._id.toHexString())?.state ?? 'stopped';
      byState[state] = (byState[state] ?? 0) + 1;
    }
    const memory = process.memoryUsage();
    const admin = user.role === 'admin';
    const nodes = admin ? await this.#nodes() : undefined;
    return {
      version: VERSION,
      uptimeSeconds: Math.round(process.uptime()),
      db: { state: dbUp ? ('up' as const) : ('down' as const), kind: this.#opts.dbKind },
      memory: { rss: memory.rss, heapUsed: memory.heapUsed },
      accounts: { total: owned.length, byState },
      ...(admin ? { server: this.#serverFigures([...live.values()]) } : {}),
      ...(nodes ? { nodes, cluster: { nodeId: this.#opts.cluster.nodeId, ...this.#opts.cluster.counters } } : {}),
    };
  }

  async #nodes() {
    const iso = (ms: number) => new Date(ms).toISOString();
    return (await this.#opts.cluster.nodes()).map((n) => ({
      id: n.id,
      accounts: n.accounts,
      heartbeatAt: iso(n.heartbeatAt),
      version: n.version,
      startedAt: iso(n.startedAt),
      capacity: Number.isFinite(n.capacity) ? n.capacity : null,
    }));
  }

  #serverFigures(workers: Array<WorkerView & { accountId: string }>) {
    const store = this.#opts.storeProcess();
    return {
      workers: { total: workers.length, byState: this.#opts.workers.countsByState() },
      workerMemory: workers
        .filter((w) => w.lastHeartbeat)
        .map((w) => ({ accountId: w.accountId, rss: w.lastHeartbeat!.rss, heapUsed: w.lastHeartbeat!.heapUsed })),
      rates: this.#lastRates,
      eventLoopLagMs: this.#lagMs(),
      ...(store && {
        embeddedStore: { ...store, pid: store.pid ?? null, startedAt: new Date(store.startedAt).toISOString() },
      }),
    };
  }

  #lagMs(): number {
    const p99 = this.#loop.percentile(99);
    return Number.isFinite(p99) ? Math.round((p99 / 1e6) * 10) / 10 : 0;
  }
}
