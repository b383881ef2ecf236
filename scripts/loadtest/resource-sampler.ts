import { childPids, commandLine, cpuSecondsOf, isAlive, machineCpuSeconds, type MemoryFigures, memoryOf } from './proc-stats.js';

export interface CpuSample {
  at: number;
  /** Server process CPU over the last interval (all nodes together), % of one core. */
  serverPct: number;
  /** All worker processes together, % of one core. */
  workersPct: number;
  /**
   * The embedded store's own process (EMBEDDED_STORE=process, or the store several nodes share),
   * % of one core; null when there is none: the store runs inside the server, or MongoDB elsewhere.
   */
  storePct: number | null;
  /** The fake Discord, % of one core (it shares the machine, so it is part of the picture). */
  fakePct: number;
  /** The baseline discord.js client, when there is one, % of one core. */
  baselinePct: number;
  /** This harness process, % of one core. */
  harnessPct: number;
  /** The whole machine, % of one core (200 % = both cores of this machine busy). */
  machinePct: number;
}

export interface WorkerMemory extends MemoryFigures {
  pid: number;
  accountId: string | undefined;
}

export interface MemorySample {
  at: number;
  server: MemoryFigures | undefined;
  /** The embedded store's own process(es); undefined when there is none (see CpuSample.storePct). */
  store: MemoryFigures | undefined;
  workers: WorkerMemory[];
}

export interface ResourceSamplerOptions {
  /** The server process, or (several nodes) the pids of the nodes running now. */
  serverPid: number | (() => readonly number[]);
  /** The fake Discord's pid, for its CPU. @defaultValue none */
  fakePid?: number;
  /** The baseline observer's pid, for its CPU. @defaultValue none */
  baselinePid?: number;
  /**
   * The embedded store's process pids. @defaultValue the server's children running the store
   * entry, looked up once and again only when one of them is gone (restarted)
   */
  storePids?: () => readonly number[];
  /** Which account a worker pid belongs to (from the probe). */
  accountOfPid: (pid: number) => string | undefined;
  /**
   * The current worker pids, for the per-second CPU samples; scanning all of /proc every second
   * costs the harness more than the figures are worth. Memory samples always scan /proc.
   * @defaultValue the children of the server running the worker bundle (a /proc scan)
   */
  currentWorkerPids?: () => Promise<number[]> | number[];
  /** @defaultValue 1000 */
  cpuIntervalMs?: number;
  /** Reading smaps_rollup of 100 processes costs real CPU, so memory is sampled less often. @defaultValue 5000 */
  memoryIntervalMs?: number;
}

/** The worker processes: children of the server(s) running the worker bundle. */
export async function workerPids(serverPids: number | readonly number[]): Promise<number[]> {
  const pids: number[] = [];
  for (const server of typeof serverPids === 'number' ? [serverPids] : serverPids) {
    for (const pid of await childPids(server)) {
      if ((await commandLine(pid)).includes('worker.cjs')) pids.push(pid);
    }
  }
  return pids;
}

/** The store entry the server forks: dist/store.js (bundled) or its TypeScript source (tsx). */
const STORE_ENTRY = /[/\\](store\.js|store-process\.ts)( |$)/;

/** The embedded store processes: children of the server(s) running the store entry. */
export async function storeProcessPids(serverPids: readonly number[]): Promise<number[]> {
  const pids: number[] = [];
  for (const server of serverPids) {
    for (const pid of await childPids(server)) {
      if (STORE_ENTRY.test(await commandLine(pid))) pids.push(pid);
    }
  }
  return pids;
}

/** Figures summed over processes; undefined when none could be read. */
function sumFigures(list: ReadonlyArray<MemoryFigures | undefined>): MemoryFigures | undefined {
  const read = list.filter((f): f is MemoryFigures => f !== undefined);
  if (read.length === 0) return undefined;
  return read.reduce((acc, f) => ({ rss: acc.rss + f.rss, pss: acc.pss + f.pss, uss: acc.uss + f.uss }));
}

/**
 * CPU seconds per pid, and the sum of what each gained since `last`. A pid not seen before counts
 * from 0 (a worker forked since the last sample) or, with `newFromNow`, from now on (a server
 * node that joined: its start-up is not this interval's work).
 */
async function cpuOf(
  pids: readonly number[],
  last: ReadonlyMap<number, number> | undefined,
  newFromNow = false,
): Promise<{ now: Map<number, number>; delta: number }> {
  const now = new Map<number, number>();
  let delta = 0;
  for (const pid of pids) {
    const seconds = await cpuSecondsOf(pid);
    if (seconds === undefined) continue;
    now.set(pid, seconds);
    delta += seconds - (last?.get(pid) ?? (newFromNow && last ? seconds : 0));
  }
  return { now, delta };
}

/** Samples server, store and worker CPU every second and memory every few seconds, from /proc. */
export class ResourceSampler {
  readonly cpu: CpuSample[] = [];
  readonly memory: MemorySample[] = [];
  readonly #opts: Required<Omit<ResourceSamplerOptions, 'storePids'>> & Pick<ResourceSamplerOptions, 'storePids'>;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #serverPids: () => readonly number[];
  #last:
    | { at: number; servers: Map<number, number>; stores: Map<number, number>; fake: number; baseline: number; harness: number; machine: number; workers: Map<number, number> }
    | undefined;
  #foundStores: number[] | undefined;
  #sampling: Promise<unknown> = Promise.resolve();
  #cpuSampling = false;

  constructor(opts: ResourceSamplerOptions) {
    this.#opts = {
      cpuIntervalMs: 1000,
      memoryIntervalMs: 5000,
      fakePid: -1,
      baselinePid: -1,
      currentWorkerPids: () => workerPids(this.#serverPids()),
      ...opts,
    };
    const { serverPid } = opts;
    this.#serverPids = typeof serverPid === 'number' ? () => [serverPid] : serverPid;
  }

  start(): void {
    void this.#sampleCpu();
    void this.sampleMemory();
    this.#timers.push(setInterval(() => void this.#sampleCpu(), this.#opts.cpuIntervalMs));
    this.#timers.push(setInterval(() => void this.sampleMemory(), this.#opts.memoryIntervalMs));
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers.length = 0;
    await this.#sampling;
  }

  /** Takes one memory sample now (also used for the final figures). */
  async sampleMemory(): Promise<MemorySample> {
    const run = (async () => {
      const servers = this.#serverPids();
      const pids = await workerPids(servers);
      const workers: WorkerMemory[] = [];
      for (const pid of pids) {
        const figures = await memoryOf(pid);
        if (figures) workers.push({ pid, accountId: this.#opts.accountOfPid(pid), ...figures });
      }
      const stores = await this.#storePids();
      const sample = {
        at: Date.now(),
        server: sumFigures(await Promise.all(servers.map(memoryOf))),
        store: sumFigures(await Promise.all(stores.map(memoryOf))),
        workers,
      };
      this.memory.push(sample);
      return sample;
    })();
    this.#sampling = Promise.allSettled([this.#sampling, run]);
    return run;
  }

  /** The store processes now; a /proc scan costs the harness CPU, so only when needed. */
  async #storePids(): Promise<readonly number[]> {
    if (this.#opts.storePids) return this.#opts.storePids();
    if (this.#foundStores === undefined || !this.#foundStores.every(isAlive)) {
      this.#foundStores = await storeProcessPids(this.#serverPids());
    }
    return this.#foundStores;
  }

  /** CPU % of the server, its store and all workers since the previous sample. */
  async #sampleCpu(): Promise<void> {
    // One at a time, each against the sample before it: on a busy machine the /proc reads can
    // outlast the interval, and an overlapping sample took deltas over a longer span than the
    // seconds it divided by (560 %, 680,000 % of a core in one second).
    if (this.#cpuSampling) return;
    this.#cpuSampling = true;
    try {
      await this.#sampleCpuNow();
    } finally {
      this.#cpuSampling = false;
    }
  }

  async #sampleCpuNow(): Promise<void> {
    const at = Date.now();
    const last = this.#last;
    const servers = await cpuOf(this.#serverPids(), last?.servers, true);
    const storePids = await this.#storePids();
    const stores = await cpuOf(storePids, last?.stores);
    const fake = this.#opts.fakePid > 0 ? ((await cpuSecondsOf(this.#opts.fakePid)) ?? 0) : 0;
    const baseline = this.#opts.baselinePid > 0 ? ((await cpuSecondsOf(this.#opts.baselinePid)) ?? 0) : 0;
    const { user, system } = process.cpuUsage();
    const harness = (user + system) / 1e6;
    const machine = (await machineCpuSeconds()).busy;
    // A process started since the last sample counts from zero; one that died drops out.
    const workers = await cpuOf(await this.#opts.currentWorkerPids(), last?.workers);
    this.#last = { at, servers: servers.now, stores: stores.now, fake, baseline, harness, machine, workers: workers.now };
    if (!last) return;
    const seconds = Math.max((at - last.at) / 1000, 0.001);
    const pct = (delta: number) => (delta / seconds) * 100;
    this.cpu.push({
      at,
      serverPct: pct(servers.delta),
      workersPct: pct(workers.delta),
      storePct: storePids.length > 0 ? pct(stores.delta) : null,
      fakePct: pct(fake - last.fake),
      baselinePct: pct(baseline - last.baseline),
      harnessPct: pct(harness - last.harness),
      machinePct: pct(machine - last.machine),
    });
  }
}
