/** The load test's options, their defaults, and the rules each delivery mode gives accounts. */
import { NODE_CHAOS_ACTIONS, type NodeChaosAction } from './node-chaos.js';

/** Which activity events lead to a delivery: every one, starts only, or none (storage only). */
export type DeliverMode = 'all' | 'starts' | 'none';

/** A bare discord.js client in the same run: off, observing presences, or also replying by DM. */
export type BaselineMode = 'off' | 'observe' | 'reply';

export interface LoadTestOptions {
  /** Bot accounts, each with its own worker process. @defaultValue 10 */
  accounts: number;
  /** Friends per account (each a fake user in the account's own guild). @defaultValue 5 */
  friends: number;
  /** Presence changes per second, all accounts together. @defaultValue 100 */
  rate: number;
  /** Seconds of load. @defaultValue 30 */
  duration: number;
  /**
   * Seconds of load before the measured phase, reported apart: the first changes pay for JIT
   * compilation, loading each account's delivery ledger and opening each friend's DM channel.
   * @defaultValue 0
   */
  warmup: number;
  /** Kill workers, drop gateway connections and inject 429s during the load. @defaultValue false */
  chaos: boolean;
  /** Time between two chaos actions, ms. @defaultValue 2000 */
  chaosIntervalMs: number;
  /** Which events get content delivered. @defaultValue 'all' */
  deliver: DeliverMode;
  /** Authenticated reads per second during the load (GET /api/accounts and …/activity). @defaultValue 10 */
  readRate: number;
  /** A bare discord.js client side by side (the benchmarks' baseline). @defaultValue 'off' */
  baseline: BaselineMode;
  /** Where results go (JSON, report, SVG plots, process logs). @defaultValue results/loadtest-<time> */
  out: string;
  /** The server's LOG_LEVEL. @defaultValue 'info' */
  logLevel: string;
  /** The server's WORKER_SPAWN_CONCURRENCY; 0 keeps its default (2 × cores). @defaultValue 0 */
  spawnConcurrency: number;
  /** Interval of the per-worker memory samples, ms. @defaultValue 5000 */
  memoryIntervalMs: number;
  /** Give up when the accounts are not all ready after this long, ms. @defaultValue 300000 */
  readyTimeoutMs: number;
  /** After the load, wait at most this long for the server to store and deliver the rest, ms. @defaultValue 60000 */
  drainTimeoutMs: number;
  /** The fake Discord's gateway heartbeat interval, ms (Discord's own is 41,250). @defaultValue 41250 */
  heartbeatMs: number;
  /** Rebuild dist/ before starting, even when it exists. @defaultValue false */
  build: boolean;
  /** A real MongoDB for the server instead of the embedded store. @defaultValue undefined */
  mongodbUri?: string | undefined;
  /**
   * The server bundle to run; it forks the worker bundle beside it. Another build (say, of a
   * branch) can be load-tested this way. @defaultValue dist/server.js
   */
  serverEntry?: string | undefined;
  /**
   * Load-test this committed revision (a git ref such as HEAD), built into
   * results/.builds/<commit>/, instead of the working tree's dist/. @defaultValue undefined
   */
  ref?: string | undefined;
  /** Extra node flags for the server process, e.g. `--cpu-prof`. @defaultValue [] */
  serverNodeArgs?: string[] | undefined;
  /**
   * Server nodes. 1: one server on its own embedded store (as `npm start`). More: the embedded
   * store in its own process (or --mongodb-uri) shared by N nodes, accounts spread by their
   * leases, API calls spread over the nodes. @defaultValue 1
   */
  nodes: number;
  /** Node chaos actions taken in turn during the load (several nodes). @defaultValue [] */
  nodeChaos?: NodeChaosAction[] | undefined;
  /** Between one node action's end (fair shares reached) and the next, ms. @defaultValue 5000 */
  nodeChaosGapMs: number;
  /** The load phase ends only after this many node chaos actions (tests). @defaultValue 0 */
  nodeChaosMinActions?: number | undefined;
  /** How long pause-node keeps a node stopped, ms. @defaultValue LEASE_MS + 5000 */
  pauseMs?: number | undefined;
  /** Extra environment for every server node (LEASE_MS, MAX_ACCOUNTS_PER_NODE, …). @defaultValue {} */
  serverEnv?: Record<string, string> | undefined;
}

/** The lease the nodes run with: their LEASE_MS, or the server's default. */
/** `KEY=VALUE` pairs (`--server-env`, `BENCH_SERVER_ENV`) as the server's extra environment. */
export function parseServerEnv(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`server environment takes KEY=VALUE, got "${pair}"`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

export function leaseMsOf(options: Pick<LoadTestOptions, 'serverEnv'>): number {
  return Number(options.serverEnv?.LEASE_MS ?? 15_000);
}

export const LOADTEST_DEFAULTS = {
  accounts: 10,
  friends: 5,
  rate: 100,
  duration: 30,
  warmup: 0,
  chaos: false,
  chaosIntervalMs: 2000,
  deliver: 'all',
  readRate: 10,
  baseline: 'off',
  logLevel: 'info',
  spawnConcurrency: 0,
  memoryIntervalMs: 5000,
  readyTimeoutMs: 300_000,
  drainTimeoutMs: 60_000,
  heartbeatMs: 41_250,
  build: false,
  nodes: 1,
  nodeChaosGapMs: 5_000,
} as const satisfies Omit<LoadTestOptions, 'out' | 'mongodbUri' | 'serverEntry' | 'ref' | 'serverNodeArgs' | 'nodeChaos' | 'nodeChaosMinActions' | 'pauseMs' | 'serverEnv'>;

/** A folder name for a run started now, under results/. */
export function defaultOutDir(prefix = 'loadtest'): string {
  return `results/${prefix}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
}

/** Options filled from the defaults. */
export function resolveOptions(partial: Partial<LoadTestOptions> = {}): LoadTestOptions {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const options: LoadTestOptions = { ...LOADTEST_DEFAULTS, out: defaultOutDir(), ...defined };
  for (const key of ['accounts', 'friends', 'rate', 'duration'] as const) {
    if (!Number.isFinite(options[key]) || options[key] <= 0) throw new Error(`--${key} must be a positive number, got ${options[key]}`);
  }
  if (!['all', 'starts', 'none'].includes(options.deliver)) throw new Error(`--deliver must be all, starts or none`);
  if (!['off', 'observe', 'reply'].includes(options.baseline)) throw new Error(`--baseline must be off, observe or reply`);
  if (!Number.isInteger(options.nodes) || options.nodes < 1) throw new Error(`--nodes must be a positive integer, got ${options.nodes}`);
  for (const action of options.nodeChaos ?? []) {
    if (!NODE_CHAOS_ACTIONS.includes(action)) throw new Error(`--node-chaos takes ${NODE_CHAOS_ACTIONS.join(', ')}; got "${action}"`);
  }
  if ((options.nodeChaos ?? []).length > 0 && options.nodes < 2) throw new Error('--node-chaos needs --nodes 2 or more');
  return options;
}

/** The account's default rules for a delivery mode: no cooldown and no caps, so every match sends. */
export function rulesFor(mode: DeliverMode): object {
  const unlimited = { cooldownSeconds: 0, dailyCapPerFriend: 0, dailyCapPerAccount: 0 };
  switch (mode) {
    case 'all':
      return { triggers: [{}], ...unlimited };
    case 'starts':
      return { triggers: [{ kinds: ['activity:start'] }], ...unlimited };
    case 'none':
      return { triggers: [] };
  }
}
