/**
 * The system under load and everything that measures it, set up once and driven in one or more
 * phases: the load test runs one phase, the benchmarks several rounds on the same accounts.
 *
 * start():    fake Discord, provider fixture, server (with the probe) and, optionally, the
 *             baseline observer; a user, N bots with M friends each, all started → ready curve.
 * runPhase(): presence changes at a rate, reads, resource sampling and chaos; then waits for the
 *             server to store and deliver what it received; latencies of that phase.
 * finish():   reads every ActivityHistory and ContentHistory entry back through the API and
 *             reconciles them with what was sent; final worker states and memory.
 * close():    stops every process it started (the server gracefully, timed) and removes DATA_DIR.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import PQueue from 'p-queue';
import { type ProviderFixture, startProviderFixture } from '../lib/provider-fixture.js';
import { FleetApiClient } from './fleet-api-client.js';
import { eventKey, INITIAL_PRESENCE } from './change-plan.js';
import { ChaosMonkey } from './chaos.js';
import { FakeDiscordClient } from '../../fake-discord/http-client.js';
import type { MessageRecord } from '../../fake-discord/records.js';
import { JsonClient } from './json-client.js';
import type { LoadTestOptions } from './options.js';
import { leaseMsOf, rulesFor } from './options.js';
import { type DriverAccount, PacedPresenceDriver } from './paced-presence-driver.js';
import type { OutcomeRecord, StoredRecord } from './probe-log.js';
import { buildProbe } from './probe-build.js';
import { buildRevision } from './build-revision.js';
import { NodeChaos, nodeChaosProblems } from './node-chaos.js';
import { type BaselineProcess, ensureBuilt, type FakeDiscordProcess, PROJECT_ROOT, startBaselineObserver, startFakeDiscord } from './processes.js';
import type { FromNode, ProbeSet } from './probe-set.js';
import type { MemoryFigures } from './proc-stats.js';
import { ReadLoad, type ReadSample } from './read-load.js';
import { type KillWindow, reconcile, type SentChange, type StoredEvent } from './reconcile.js';
import { type MemorySample, ResourceSampler } from './resource-sampler.js';
import { ServerFleet } from './server-fleet.js';
import type {
  LoadTestResult,
  MemoryTotals,
  PhaseLatencies,
  PhaseResult,
  ReadLatency,
  SetupResult,
  TimelinePoint,
  WorkerFinal,
  WorkerMemoryFinal,
} from './result-types.js';
import { perSecond, spread, summarize } from './stats.js';

export interface PhaseOptions {
  /** How the phase is named in reports. @defaultValue 'load' */
  label?: string;
  rate: number;
  durationS: number;
  chaos: boolean;
  /** Run the node chaos actions of the options during this phase. @defaultValue false */
  nodeChaos?: boolean;
}

/** One line a second while a phase runs. */
export interface Progress {
  elapsedS: number;
  durationS: number;
  sent: number;
  /** Changes sent in the last second. */
  sentLastSecond: number;
  stored: number;
  delivered: number;
  /** p99 of sent → stored over the changes stored in the last second, ms. */
  storedP99: number;
  deliveredP99: number;
  ready: number;
  accounts: number;
  restarts: number;
  /** Latest memory sample, summed over workers. */
  rss: number;
  pss: number;
  serverCpuPct: number;
  chaosActions: number;
}

interface AccountState {
  id: string;
  state: string;
  /** When the worker was (last) ready, epoch ms. */
  readyAt: number | null;
  error: string;
}

interface RigAccount {
  accountId: string;
  botId: string;
  userIds: string[];
}

const LOAD_USER = { email: 'loadtest@example.com', password: 'load test password 1234' };
/** Setup calls in flight at once (fake control API and server API). */
const SETUP_CONCURRENCY = 8;
/** How often the API is polled while accounts start. */
const READY_POLL_MS = 500;
/** The server has gone quiet when the probe reported nothing for this long. */
const QUIET_MS = 1_500;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const queue = new PQueue({ concurrency: limit });
  return Promise.all(items.map((item, i) => queue.add(() => fn(item, i), { throwOnTimeout: true })));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readLatency(samples: readonly ReadSample[]): ReadLatency {
  return { ...summarize(samples.map((s) => s.ms)), errors: samples.filter((s) => s.status < 200 || s.status >= 300).length };
}

function totalsOf(sample: MemorySample | undefined): MemoryTotals {
  const sum = (f: keyof MemoryFigures) => (sample?.workers ?? []).reduce((acc, w) => acc + w[f], 0);
  return {
    at: sample?.at ?? Date.now(),
    workers: sample?.workers.length ?? 0,
    rss: sum('rss'),
    pss: sum('pss'),
    uss: sum('uss'),
    server: sample?.server ?? null,
    store: sample?.store ?? null,
  };
}

export class LoadRig {
  readonly options: LoadTestOptions;
  readonly outDir: string;
  setup!: SetupResult;
  readonly phases: PhaseResult[] = [];
  readonly #log: (line: string) => void;
  readonly #cleanups: Array<() => Promise<void>> = [];
  readonly #loadAverageStart = loadavg();
  #fake!: FakeDiscordClient;
  #fakeProcess!: FakeDiscordProcess;
  #fixture!: ProviderFixture;
  #fleet!: ServerFleet;
  #api!: FleetApiClient;
  #setupApi!: FleetApiClient;
  #baseline: BaselineProcess | undefined;
  #baselineBot: { id: string; token: string } | undefined;
  #accounts: RigAccount[] = [];
  #driverAccounts: DriverAccount[] = [];
  readonly #sent: SentChange[] = [];
  readonly #sentByKey = new Map<string, SentChange>();
  readonly #accountOfUser = new Map<string, string>();
  /** Per friend, stored events waiting for their pipeline outcome (the pipeline keeps per-friend order). */
  readonly #awaitingOutcome = new Map<string, StoredRecord[]>();
  readonly #pairedOutcomes: Array<{ key: string; outcome: OutcomeRecord; mismatch: boolean }> = [];
  readonly #kills: KillWindow[] = [];
  #shutdownMs: number | null = null;
  #commit: string | undefined;

  private constructor(options: LoadTestOptions, log: (line: string) => void) {
    this.options = options;
    this.outDir = resolve(PROJECT_ROOT, options.out);
    this.#log = log;
  }

  /** Starts every process, creates the accounts and starts them; resolves once all are ready. */
  static async start(options: LoadTestOptions, log: (line: string) => void = () => undefined): Promise<LoadRig> {
    const rig = new LoadRig(options, log);
    try {
      await rig.#startProcesses();
      await rig.#createAccounts();
      await rig.#startAccounts();
    } catch (err) {
      await rig.close().catch(() => undefined);
      throw err;
    }
    return rig;
  }

  /** The (first) server node's pid. */
  get serverPid(): number {
    return this.#fleet.nodes[0]?.server.pid ?? -1;
  }

  get #probes(): ProbeSet {
    return this.#fleet.probes;
  }

  /** Drives one phase of load and returns its figures. */
  async runPhase(phase: PhaseOptions, onProgress?: (p: Progress) => void): Promise<PhaseResult> {
    const firstChange = this.#sent.length;
    const firstOutcome = this.#pairedOutcomes.length;
    const firstBaseline = this.#baseline?.reports.length ?? 0;
    const storedBefore = this.#probes.stored.length;
    const sampler = new ResourceSampler({
      serverPid: () => this.#fleet.serverPids(),
      fakePid: this.#fakeProcess.pid,
      ...(this.#baseline ? { baselinePid: this.#baseline.pid } : {}),
      accountOfPid: (pid) => this.#probes.accountOfPid(pid),
      currentWorkerPids: () => this.#probes.workerPids(),
      ...this.#sharedStore(),
      memoryIntervalMs: this.options.memoryIntervalMs,
    });
    const reads = new ReadLoad(this.#api, this.#accounts.map((a) => a.accountId), this.options.readRate);
    const chaos = phase.chaos
      ? new ChaosMonkey({
          fake: this.#fake,
          probe: this.#probes,
          targets: this.#accounts.map((a) => ({ accountId: a.accountId, botId: a.botId })),
          intervalMs: this.options.chaosIntervalMs,
        })
      : undefined;
    const nodeChaos =
      phase.nodeChaos && (this.options.nodeChaos ?? []).length > 0
        ? new NodeChaos({
            fleet: this.#fleet,
            accountIds: this.#accounts.map((a) => a.accountId),
            actions: this.options.nodeChaos ?? [],
            gapMs: this.options.nodeChaosGapMs,
            pauseMs: this.options.pauseMs ?? leaseMsOf(this.options) + 5_000,
            failoverTimeoutMs: leaseMsOf(this.options) + 30_000,
            minActions: this.options.nodeChaosMinActions ?? 0,
            log: this.#log,
          })
        : undefined;
    const driver = new PacedPresenceDriver(this.#fake, this.#driverAccounts, (change) => {
      this.#sent.push(change);
      this.#sentByKey.set(change.key, change);
    });

    const startedAt = Date.now();
    sampler.start();
    reads.start();
    chaos?.start();
    nodeChaos?.start();
    const progress = onProgress ? this.#progressTimer(phase, startedAt, firstChange, sampler, chaos, onProgress) : undefined;
    const driverStats = await driver.run(phase.rate, phase.durationS * 1000);
    const loadEndedAt = Date.now();
    await reads.stop();
    await chaos?.stop(60_000);
    if (chaos) this.#kills.push(...chaos.kills());
    await nodeChaos?.stop();
    if (nodeChaos) this.#kills.push(...nodeChaos.windows());
    await this.#drain(firstChange);
    clearInterval(progress);
    await sampler.sampleMemory();
    await sampler.stop();

    const changes = this.#sent.slice(firstChange);
    const messages = await this.#fake.messages();
    const storedInPhase = this.#probes.stored.length - storedBefore;
    const outcomes = this.#pairedOutcomes.slice(firstOutcome);
    const result: PhaseResult = {
      label: phase.label ?? 'load',
      rate: phase.rate,
      durationS: phase.durationS,
      chaos: phase.chaos,
      startedAt,
      driver: driverStats,
      storedRate: storedInPhase / Math.max((loadEndedAt - startedAt) / 1000, 0.001),
      latency: this.#latencies(changes, outcomes, messages, firstBaseline),
      timeline: this.#timeline(changes, outcomes, messages, startedAt, sampler),
      serverLag: this.#serverLag(startedAt, loadEndedAt),
      outcomes: outcomes.reduce<Record<string, number>>((acc, o) => {
        acc[o.outcome.status] = (acc[o.outcome.status] ?? 0) + 1;
        return acc;
      }, {}),
      correlationErrors: outcomes.filter((o) => o.mismatch).length,
      reads: {
        accounts: readLatency(reads.samples.filter((s) => s.route === 'accounts')),
        activity: readLatency(reads.samples.filter((s) => s.route === 'activity')),
      },
      cpu: {
        serverMeanPct: spread(sampler.cpu.map((c) => c.serverPct)).median,
        serverMaxPct: Math.max(0, ...sampler.cpu.map((c) => c.serverPct)),
        workersMeanPct: spread(sampler.cpu.map((c) => c.workersPct)).median,
        storeMeanPct: spread(sampler.cpu.flatMap((c) => (c.storePct === null ? [] : [c.storePct]))).median,
        fakeMeanPct: spread(sampler.cpu.map((c) => c.fakePct)).median,
        baselineMeanPct: spread(sampler.cpu.map((c) => c.baselinePct)).median,
        harnessMeanPct: spread(sampler.cpu.map((c) => c.harnessPct)).median,
        machineMeanPct: spread(sampler.cpu.map((c) => c.machinePct)).median,
      },
      cpuSamples: sampler.cpu,
      memory: sampler.memory.map(totalsOf),
      chaosEvents: chaos?.events ?? [],
      nodeChaosEvents: nodeChaos?.events ?? [],
      baselineErrors: this.#baseline?.errors.slice() ?? [],
    };
    this.phases.push(result);
    return result;
  }

  /** Several nodes share a store process of the harness's own (not a server's child): sample that one. */
  #sharedStore(): { storePids?: () => number[] } {
    const pid = this.#fleet.sharedStorePid;
    return pid === undefined ? {} : { storePids: () => [pid] };
  }

  /** Reads everything back through the API, reconciles, samples final memory and states. */
  async finish(): Promise<LoadTestResult> {
    const finalWorkers = await this.#finalWorkers();
    const stored: StoredEvent[] = [];
    const content = { sent: 0, failed: 0, skipped: 0, messagesInFake: 0 };
    await mapLimit(this.#accounts, 4, async (account) => {
      for (const row of await this.#api.activity(account.accountId)) {
        stored.push({ accountId: account.accountId, discordUserId: row.discordUserId, kind: row.kind, name: row.activity?.name ?? null });
      }
      for (const row of await this.#api.contentHistory(account.accountId)) content[row.status]++;
    });
    const botIds = new Set(this.#accounts.map((a) => a.botId));
    content.messagesInFake = (await this.#fake.messages()).filter((m) => botIds.has(m.botId)).length;
    const reconciliation = reconcile({
      sent: this.#sent,
      stored,
      received: new Set(this.#probes.received.map((r) => r.key)),
      kills: this.#kills,
      loadStart: this.phases[0]?.startedAt ?? this.setup.startAt,
    });

    const sampler = new ResourceSampler({ serverPid: () => this.#fleet.serverPids(), accountOfPid: (pid) => this.#probes.accountOfPid(pid), ...this.#sharedStore() });
    const sample = await sampler.sampleMemory();
    const workers: WorkerMemoryFinal[] = sample.workers.map(({ accountId, rss, pss, uss }) => ({ accountId, rss, pss, uss }));
    const median = (f: keyof MemoryFigures) => spread(workers.map((w) => w[f])).median;

    const allReady = finalWorkers.length === this.#accounts.length && finalWorkers.every((w) => w.state === 'ready');
    const problems: string[] = [];
    if (reconciliation.lost > 0) problems.push(`${reconciliation.lost} events lost (e.g. ${reconciliation.examples.lost.slice(0, 3).join(', ')})`);
    if (reconciliation.duplicated > 0) problems.push(`${reconciliation.duplicated} events duplicated`);
    if (reconciliation.unexpected > 0) problems.push(`${reconciliation.unexpected} unexpected events`);
    if (!allReady) problems.push(`workers not all ready at the end: ${finalWorkers.filter((w) => w.state !== 'ready').map((w) => `${w.accountId}=${w.state}`).join(', ')}`);
    const fake = await this.#fake.stats();
    if (fake.maxSessionsPerBot > 1) problems.push(`a bot had ${fake.maxSessionsPerBot} live gateway sessions at once (maxSessionsPerBot)`);
    for (const phase of this.phases) {
      problems.push(...nodeChaosProblems(phase.nodeChaosEvents));
      if (phase.correlationErrors > 0) problems.push(`${phase.correlationErrors} pipeline outcomes did not pair with their events`);
      for (const e of phase.chaosEvents) if (e.action !== 'ratelimit' && e.recoveredAt === null) problems.push(`${e.action} of ${e.accountId} never recovered`);
    }

    return {
      options: this.options,
      build: this.#commit ? `commit ${this.#commit}` : (this.options.serverEntry ?? 'dist/server.js (working tree)'),
      machine: { cpus: cpus().length, memoryGiB: totalmem() / 2 ** 30, node: process.version, loadAverageStart: this.#loadAverageStart, loadAverageEnd: loadavg() },
      setup: this.setup,
      phases: this.phases,
      reconciliation,
      workers: { final: finalWorkers, allReady, restarts: finalWorkers.reduce((acc, w) => acc + w.restarts, 0) },
      memory: {
        workers,
        server: sample.server ?? null,
        store: sample.store ?? null,
        perWorkerMedian: { rss: median('rss'), pss: median('pss'), uss: median('uss') },
        totals: totalsOf(sample),
      },
      content,
      fake,
      nodes: this.#fleet.nodes.map((n) => ({ id: n.id, status: n.status })),
      shutdownMs: this.#shutdownMs,
      problems,
    };
  }

  /** Each account's state at the end: from the API (one node), or from the node running it. */
  async #finalWorkers(): Promise<WorkerFinal[]> {
    if (this.#fleet.multiNode) {
      return this.#accounts.map(({ accountId }) => {
        const current = this.#probes.current(accountId);
        return { accountId, state: current?.state ?? 'unknown', restarts: current?.restarts ?? 0, node: current?.node ?? 'none' };
      });
    }
    const ours = new Set(this.#accounts.map((a) => a.accountId));
    return (await this.#api.accounts())
      .filter((a) => ours.has(a.id))
      .map((a) => ({ accountId: a.id, state: a.state, restarts: a.worker?.restarts ?? 0 }));
  }

  /** How long the server took from SIGTERM to exit (all workers stopped) in `close()`; null before. */
  get shutdownMs(): number | null {
    return this.#shutdownMs;
  }

  /** Stops every process this rig started, newest first; the server's shutdown is timed. */
  async close(): Promise<void> {
    while (this.#cleanups.length > 0) {
      const cleanup = this.#cleanups.pop() as () => Promise<void>;
      await cleanup().catch((err: unknown) => this.#log(`cleanup failed: ${(err as Error).message}`));
    }
  }

  // ─── setup ──────────────────────────────────────────────────────────────────────────────

  async #startProcesses(): Promise<void> {
    await mkdir(this.outDir, { recursive: true });
    let serverEntry = this.options.serverEntry;
    if (this.options.ref) {
      const built = await buildRevision(this.options.ref, this.#log);
      this.#commit = built.commit;
      serverEntry = built.serverEntry;
    } else await ensureBuilt(this.options.build, this.#log, serverEntry);
    const dataDir = await mkdtemp(join(tmpdir(), 'dac-loadtest-'));
    this.#cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const probePath = await buildProbe(dataDir);

    this.#fixture = await startProviderFixture();
    this.#cleanups.push(() => this.#fixture.close());
    this.#fakeProcess = await startFakeDiscord({ logDir: this.outDir, heartbeatMs: this.options.heartbeatMs });
    this.#cleanups.push(() => this.#fakeProcess.stop());
    // Presence changes go one per account at a time; 32 kept-alive sockets cover ~1,000 changes/s.
    const http = new JsonClient(this.#fakeProcess.url, { maxSockets: 32, timeoutMs: 15_000 });
    this.#fake = new FakeDiscordClient(this.#fakeProcess.url, (method, path, body) => http.json(method, path, body));
    this.#cleanups.push(async () => http.close());
    this.#log(`fake Discord at ${this.#fakeProcess.url}, content fixture at ${this.#fixture.url}`);

    const env: Record<string, string> = { ...this.options.serverEnv };
    if (this.options.spawnConcurrency > 0) env.WORKER_SPAWN_CONCURRENCY = String(this.options.spawnConcurrency);
    this.#fleet = await ServerFleet.start({
      nodes: this.options.nodes,
      logDir: this.outDir,
      dataDir,
      probePath,
      discordApiUrl: this.#fake.apiUrl,
      logLevel: this.options.logLevel,
      env,
      mongodbUri: this.options.mongodbUri,
      serverEntry,
      nodeArgs: this.options.serverNodeArgs,
    });
    this.#cleanups.push(async () => {
      this.#shutdownMs = await this.#fleet.close();
    });
    this.#api = new FleetApiClient(() => this.#fleet.urls());
    this.#cleanups.push(async () => this.#api.close());
    // Set-up goes through one node: a node's account cache may not see another's fresh writes for
    // a few seconds, and set-up is not what is measured (the reads during the load are spread).
    this.#setupApi = this.#fleet.multiNode ? new FleetApiClient(this.#fleet.urls()[0] as string) : this.#api;
    this.#cleanups.push(async () => this.#setupApi.close());
    for (const node of this.#fleet.nodes) this.#log(`${this.#fleet.multiNode ? node.id : 'server'} at ${node.server.baseUrl} (pid ${node.server.pid})`);
  }

  async #createAccounts(): Promise<void> {
    const { accounts, friends, baseline } = this.options;
    if (baseline !== 'off') this.#baselineBot = await this.#fake.createBot({ username: 'baseline' });
    const baselineBot = this.#baselineBot?.id;
    this.#log(`creating ${accounts} bots with ${friends} friends each in the fake Discord…`);
    const bots = await mapLimit(Array.from({ length: accounts }, (_, i) => i), SETUP_CONCURRENCY, async (i) => {
      const bot = await this.#fake.createBot({ username: `loadbot${i}` });
      const userIds: string[] = [];
      for (let j = 0; j < friends; j++) userIds.push((await this.#fake.createUser({ username: `friend${i}_${j}` })).id);
      // Online and idle-handed before any worker connects: the silent baseline every change starts from.
      for (const userId of userIds) await this.#fake.setPresence(userId, INITIAL_PRESENCE);
      await this.#fake.createGuild({ name: `load guild ${i}`, botIds: baselineBot ? [bot.id, baselineBot] : [bot.id], userIds });
      return { bot, userIds };
    });

    await this.#setupApi.signIn(LOAD_USER.email, LOAD_USER.password);
    if (this.#setupApi !== this.#api) await this.#api.signIn(LOAD_USER.email, LOAD_USER.password);
    this.#log(`creating ${accounts} accounts and ${accounts * friends} friends through the API…`);
    const settings = {
      deliveryMode: 'dm',
      content: { providers: [{ kind: 'gimme', weight: 1, baseUrl: this.#fixture.url, subreddits: ['memes'] }], allowNsfw: false },
      defaultRules: rulesFor(this.options.deliver),
    };
    this.#accounts = await mapLimit(bots, SETUP_CONCURRENCY, async ({ bot, userIds }, i) => {
      const account = await this.#setupApi.createAccount({ label: `load ${i}`, token: bot.token, settings });
      for (const [j, userId] of userIds.entries()) await this.#setupApi.addFriend(account.id, userId, `friend ${i}.${j}`);
      return { accountId: account.id, botId: bot.id, userIds };
    });
    for (const account of this.#accounts) for (const userId of account.userIds) this.#accountOfUser.set(userId, account.accountId);
    this.#driverAccounts = this.#accounts.map((a) => ({
      accountId: a.accountId,
      friends: a.userIds.map((userId) => ({ userId, seq: 0, retired: false })),
      busy: false,
      nextFriend: 0,
    }));
    this.#probes.on('stored', (batch) => this.#queueForOutcomes(batch));
    this.#probes.on('outcome', (batch) => this.#pairOutcomes(batch));
  }

  async #startAccounts(): Promise<void> {
    await this.#startBaseline();
    const startAt = Date.now();
    this.#log(`starting ${this.#accounts.length} accounts…`);
    await mapLimit(this.#accounts, SETUP_CONCURRENCY, (a) => this.#setupApi.start(a.accountId));
    const deadline = startAt + this.options.readyTimeoutMs;
    let states: AccountState[] = [];
    for (;;) {
      states = await this.#accountStates();
      const ready = states.filter((a) => a.state === 'ready').length;
      const failed = states.filter((a) => a.state === 'error' || a.state === 'crashed');
      if (failed.length > 0) throw new Error(`accounts failed to start: ${failed.map((a) => `${a.id} ${a.state} ${a.error}`).join(', ')}`);
      if (ready === this.#accounts.length) break;
      if (Date.now() > deadline) throw new Error(`only ${ready} of ${this.#accounts.length} accounts ready after ${this.options.readyTimeoutMs} ms`);
      await sleep(READY_POLL_MS);
    }
    const readyMs = states.map((a) => (a.readyAt ?? Number.NaN) - startAt).sort((a, b) => a - b);
    this.setup = { startAt, readyMs, allReadyMs: readyMs[readyMs.length - 1] ?? 0 };
    this.#log(`all ${states.length} accounts ready after ${(this.setup.allReadyMs / 1000).toFixed(1)} s`);
    // Content is prefetched when a worker becomes ready; wait for one fixture call per account.
    const warmDeadline = Date.now() + 15_000;
    while (this.options.deliver !== 'none' && this.#fixture.requests.filter((p) => p.startsWith('/gimme')).length < this.#accounts.length && Date.now() < warmDeadline) {
      await sleep(100);
    }
  }

  /**
   * Each account's worker state and when it was last ready: from the API with one node; with
   * several, from the probe of the node running it (a node's API knows its own workers best).
   */
  async #accountStates(): Promise<AccountState[]> {
    if (this.#fleet.multiNode) {
      return this.#accounts.map(({ accountId }) => {
        const current = this.#probes.current(accountId);
        return { id: accountId, state: current?.state ?? 'stopped', readyAt: current?.state === 'ready' ? current.at : null, error: '' };
      });
    }
    const ours = new Set(this.#accounts.map((a) => a.accountId));
    return (await this.#api.accounts())
      .filter((a) => ours.has(a.id))
      .map((a) => ({ id: a.id, state: a.state, readyAt: a.worker?.readyAt ? Date.parse(a.worker.readyAt) : null, error: a.lastError?.code ?? '' }));
  }

  /** The bare client joins after the guilds exist, so its READY lists all of them. */
  async #startBaseline(): Promise<void> {
    if (!this.#baselineBot) return;
    this.#log('starting the baseline discord.js client…');
    const observer = await startBaselineObserver({
      logDir: this.outDir,
      token: this.#baselineBot.token,
      apiUrl: this.#fake.apiUrl,
      reply: this.options.baseline === 'reply',
    });
    this.#baseline = observer;
    this.#cleanups.push(() => observer.stop());
  }

  // ─── measuring ──────────────────────────────────────────────────────────────────────────

  /** Per node and friend: a node's pipeline keeps each friend's order (another node's does not follow on). */
  #queueForOutcomes(batch: FromNode<StoredRecord>[]): void {
    for (const record of batch) {
      const friend = `${record.node}|${record.accountId}|${record.discordUserId}`;
      let queue = this.#awaitingOutcome.get(friend);
      if (!queue) this.#awaitingOutcome.set(friend, (queue = []));
      queue.push(record);
    }
  }

  #pairOutcomes(batch: FromNode<OutcomeRecord>[]): void {
    for (const outcome of batch) {
      const stored = this.#awaitingOutcome.get(`${outcome.node}|${outcome.accountId}|${outcome.discordUserId}`)?.shift();
      if (!stored) continue;
      this.#pairedOutcomes.push({ key: stored.key, outcome, mismatch: stored.kind !== outcome.kind });
    }
  }

  /** Waits until the server has stored what it received and the pipeline has an outcome for each. */
  async #drain(firstChange: number): Promise<void> {
    const probe = this.#probes;
    const deadline = Date.now() + this.options.drainTimeoutMs;
    const storedKeys = () => new Set(probe.stored.map((s) => s.key));
    while (Date.now() < deadline) {
      const keys = storedKeys();
      const allStored = this.#sent.slice(firstChange).every((c) => !c.ok || keys.has(c.key));
      const pipelineDone = probe.pipelinePending() === 0;
      const quiet = Date.now() - probe.lastActivityAt > QUIET_MS;
      if (pipelineDone && (allStored || quiet)) return;
      await sleep(100);
    }
    this.#log(`the server was still busy ${this.options.drainTimeoutMs} ms after the load ended`);
  }

  #latencies(changes: readonly SentChange[], outcomes: ReadonlyArray<{ key: string; outcome: OutcomeRecord }>, messages: readonly MessageRecord[], firstBaseline: number): PhaseLatencies {
    const probe = this.#probes;
    const inPhase = new Map(changes.map((c) => [c.key, c]));
    const firstOf = <T extends { key: string }>(records: readonly T[]): Map<string, T> => {
      const map = new Map<string, T>();
      for (const r of records) if (inPhase.has(r.key) && !map.has(r.key)) map.set(r.key, r);
      return map;
    };
    const since = (key: string, at: number) => at - (inPhase.get(key) as SentChange).sentAt;
    const stored = firstOf(probe.stored);
    const received = firstOf(probe.received);
    const messageAt = new Map(messages.map((m) => [m.id, Date.parse(m.at)]));
    const delivered: number[] = [];
    const serverDelivery: number[] = [];
    for (const { key, outcome } of outcomes) {
      if (outcome.status !== 'sent' || !inPhase.has(key)) continue;
      const at = outcome.messageId ? messageAt.get(outcome.messageId) : undefined;
      if (at !== undefined) delivered.push(since(key, at));
      if (outcome.latencyMs !== null) serverDelivery.push(outcome.latencyMs);
    }
    const latencies: PhaseLatencies = {
      observed: summarize([...stored.values()].map((s) => since(s.key, s.eventAt))),
      received: summarize([...received.values()].map((r) => since(r.key, r.receivedAt))),
      stored: summarize([...stored.values()].map((s) => since(s.key, s.storedAt))),
      delivered: summarize(delivered),
      serverDelivery: summarize(serverDelivery),
    };
    if (this.#baseline) {
      const seen = new Map<string, number>();
      for (const r of this.#baseline.reports.slice(firstBaseline)) {
        const accountId = this.#accountOfUser.get(r.userId);
        const key = accountId ? eventKey(accountId, r.userId, r.kind, r.name) : '';
        if (inPhase.has(key) && !seen.has(key)) seen.set(key, since(key, r.at));
      }
      latencies.baseline = summarize([...seen.values()]);
      if (this.options.baseline === 'reply') {
        const replies: number[] = [];
        for (const m of messages) {
          const match = m.botId === this.#baselineBot?.id ? /^baseline (\d+) (\S+) (\S+)$/.exec(m.content) : null;
          if (!match) continue;
          const [, userId, kind, name] = match as unknown as [string, string, string, string];
          const key = eventKey(this.#accountOfUser.get(userId) ?? '', userId, kind, name);
          if (inPhase.has(key)) replies.push(since(key, Date.parse(m.at)));
        }
        latencies.baselineDelivered = summarize(replies);
      }
    }
    return latencies;
  }

  #serverLag(from: number, to: number): PhaseResult['serverLag'] {
    const seconds = this.#probes.lag.filter((l) => l.at > from && l.at <= to + 1000);
    return {
      p99Median: spread(seconds.map((l) => l.p99)).median,
      maxMedian: spread(seconds.map((l) => l.max)).median,
      max: Math.max(0, ...seconds.map((l) => l.max)),
    };
  }

  #timeline(
    changes: readonly SentChange[],
    outcomes: ReadonlyArray<{ key: string; outcome: OutcomeRecord }>,
    messages: readonly MessageRecord[],
    origin: number,
    sampler: ResourceSampler,
  ): TimelinePoint[] {
    const byKey = new Map(changes.map((c) => [c.key, c]));
    const storedAt = new Map<string, number>();
    for (const s of this.#probes.stored) if (byKey.has(s.key) && !storedAt.has(s.key)) storedAt.set(s.key, s.storedAt);
    const messageAt = new Map(messages.map((m) => [m.id, Date.parse(m.at)]));
    const storedSamples = [...storedAt].map(([key, at]) => {
      const sentAt = (byKey.get(key) as SentChange).sentAt;
      return { at: sentAt, value: at - sentAt };
    });
    const deliveredSamples = outcomes.flatMap(({ key, outcome }) => {
      const change = byKey.get(key);
      const at = outcome.messageId ? messageAt.get(outcome.messageId) : undefined;
      return change && at !== undefined ? [{ at: change.sentAt, value: at - change.sentAt }] : [];
    });
    const sentPerSecond = perSecond(changes.map((c) => ({ at: c.sentAt, value: 0 })), origin);
    const stored = new Map(perSecond(storedSamples, origin).map((s) => [s.second, s]));
    const delivered = new Map(perSecond(deliveredSamples, origin).map((s) => [s.second, s]));
    // A lag or CPU sample covers the second before it was taken.
    const lag = new Map(this.#probes.lag.map((l) => [Math.floor((l.at - 1000 - origin) / 1000), l.max]));
    const cpu = new Map(sampler.cpu.map((c) => [Math.floor((c.at - 1000 - origin) / 1000), c.machinePct]));
    return sentPerSecond.map(({ second, count }) => ({
      second,
      sent: count,
      storedP50: stored.get(second)?.p50 ?? Number.NaN,
      storedP99: stored.get(second)?.p99 ?? Number.NaN,
      deliveredP50: delivered.get(second)?.p50 ?? Number.NaN,
      deliveredP99: delivered.get(second)?.p99 ?? Number.NaN,
      serverLagMax: lag.get(second) ?? Number.NaN,
      machineCpuPct: cpu.get(second) ?? Number.NaN,
    }));
  }

  #progressTimer(
    phase: PhaseOptions,
    startedAt: number,
    firstChange: number,
    sampler: ResourceSampler,
    chaos: ChaosMonkey | undefined,
    onProgress: (p: Progress) => void,
  ): NodeJS.Timeout {
    const probe = this.#probes;
    let storedSeen = probe.stored.length;
    let outcomesSeen = this.#pairedOutcomes.length;
    let sentSeen = this.#sent.length;
    const firstStored = probe.stored.length;
    const firstOutcome = this.#pairedOutcomes.length;
    return setInterval(() => {
      const storedLatencies = probe.stored.slice(storedSeen).flatMap((s) => {
        const change = this.#sentByKey.get(s.key);
        return change ? [s.storedAt - change.sentAt] : [];
      });
      const messageLatencies = this.#pairedOutcomes.slice(outcomesSeen).flatMap(({ key, outcome }) => {
        const change = this.#sentByKey.get(key);
        // The fake's own timestamp is read after the phase; the server's is close enough live.
        return change && outcome.status === 'sent' ? [outcome.at - change.sentAt] : [];
      });
      const latest = new Map<string, { state: string; restarts: number }>();
      for (const s of probe.states) latest.set(s.accountId, s);
      const memory = totalsOf(sampler.memory[sampler.memory.length - 1]);
      onProgress({
        elapsedS: (Date.now() - startedAt) / 1000,
        durationS: phase.durationS,
        sent: this.#sent.length - firstChange,
        sentLastSecond: this.#sent.length - sentSeen,
        stored: probe.stored.length - firstStored,
        delivered: this.#pairedOutcomes.slice(firstOutcome).filter((o) => o.outcome.status === 'sent').length,
        storedP99: summarize(storedLatencies).p99,
        deliveredP99: summarize(messageLatencies).p99,
        ready: [...latest.values()].filter((s) => s.state === 'ready').length,
        accounts: this.#accounts.length,
        restarts: [...latest.values()].reduce((acc, s) => acc + s.restarts, 0),
        rss: memory.rss,
        pss: memory.pss,
        serverCpuPct: sampler.cpu[sampler.cpu.length - 1]?.serverPct ?? Number.NaN,
        chaosActions: chaos?.events.length ?? 0,
      });
      storedSeen = probe.stored.length;
      outcomesSeen = this.#pairedOutcomes.length;
      sentSeen = this.#sent.length;
    }, 1000);
  }
}
