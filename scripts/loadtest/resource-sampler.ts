import { childPids, commandLine, cpuSecondsOf, machineCpuSeconds, type MemoryFigures, memoryOf } from './proc-stats.js';

export interface CpuSample {
  at: number;
  /** Server process CPU over the last interval, % of one core. */
  serverPct: number;
  /** All worker processes together, % of one core. */
  workersPct: number;
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
  workers: WorkerMemory[];
}

export interface ResourceSamplerOptions {
  serverPid: number;
  /** The fake Discord's pid, for its CPU. @defaultValue none */
  fakePid?: number;
  /** The baseline observer's pid, for its CPU. @defaultValue none */
  baselinePid?: number;
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

/** The worker processes: children of the server running the worker bundle. */
export async function workerPids(serverPid: number): Promise<number[]> {
  const pids: number[] = [];
  for (const pid of await childPids(serverPid)) {
    if ((await commandLine(pid)).includes('worker.cjs')) pids.push(pid);
  }
  return pids;
}

/** Samples server and worker CPU every second and memory every few seconds, from /proc. */
export class ResourceSampler {
  readonly cpu: CpuSample[] = [];
  readonly memory: MemorySample[] = [];
  readonly #opts: Required<ResourceSamplerOptions>;
  readonly #timers: NodeJS.Timeout[] = [];
  #last: { at: number; server: number; fake: number; baseline: number; harness: number; machine: number; workers: Map<number, number> } | undefined;
  #sampling: Promise<unknown> = Promise.resolve();

  constructor(opts: ResourceSamplerOptions) {
    this.#opts = {
      cpuIntervalMs: 1000,
      memoryIntervalMs: 5000,
      fakePid: -1,
      baselinePid: -1,
      currentWorkerPids: () => workerPids(opts.serverPid),
      ...opts,
    };
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
      const pids = await workerPids(this.#opts.serverPid);
      const workers: WorkerMemory[] = [];
      for (const pid of pids) {
        const figures = await memoryOf(pid);
        if (figures) workers.push({ pid, accountId: this.#opts.accountOfPid(pid), ...figures });
      }
      const sample = { at: Date.now(), server: await memoryOf(this.#opts.serverPid), workers };
      this.memory.push(sample);
      return sample;
    })();
    this.#sampling = Promise.allSettled([this.#sampling, run]);
    return run;
  }

  /** CPU % of the server and of all workers since the previous sample. */
  async #sampleCpu(): Promise<void> {
    const at = Date.now();
    const server = (await cpuSecondsOf(this.#opts.serverPid)) ?? 0;
    const fake = this.#opts.fakePid > 0 ? ((await cpuSecondsOf(this.#opts.fakePid)) ?? 0) : 0;
    const baseline = this.#opts.baselinePid > 0 ? ((await cpuSecondsOf(this.#opts.baselinePid)) ?? 0) : 0;
    const { user, system } = process.cpuUsage();
    const harness = (user + system) / 1e6;
    const machine = (await machineCpuSeconds()).busy;
    const workers = new Map<number, number>();
    for (const pid of await this.#opts.currentWorkerPids()) {
      const seconds = await cpuSecondsOf(pid);
      if (seconds !== undefined) workers.set(pid, seconds);
    }
    const last = this.#last;
    this.#last = { at, server, fake, baseline, harness, machine, workers };
    if (!last) return;
    const seconds = Math.max((at - last.at) / 1000, 0.001);
    let workerDelta = 0;
    // A worker forked since the last sample counts from zero; one that died drops out.
    for (const [pid, now] of workers) workerDelta += now - (last.workers.get(pid) ?? 0);
    const pct = (delta: number) => (delta / seconds) * 100;
    this.cpu.push({
      at,
      serverPct: pct(server - last.server),
      workersPct: pct(workerDelta),
      fakePct: pct(fake - last.fake),
      baselinePct: pct(baseline - last.baseline),
      harnessPct: pct(harness - last.harness),
      machinePct: pct(machine - last.machine),
    });
  }
}
