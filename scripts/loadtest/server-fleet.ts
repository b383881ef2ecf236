/**
 * The server side of a load test: one server process (on its own embedded store, as `npm start`
 * runs), or N nodes sharing one database — the embedded store in its own process (or
 * `--mongodb-uri`) — each with its own NODE_ID and probe. Nodes can be killed, paused, resumed,
 * stopped and added while the load runs; the probes are merged into one ProbeSet.
 */
import { CLUSTER_DEFAULTS } from '../lib/cluster-options.js';
import { clusterSecrets, type StoreProcess, startStoreProcess, storeDataDir } from '../lib/cluster-processes.js';
import { ProbeSet } from './probe-set.js';
import { type ServerProcess, startServer } from './processes.js';

export type NodeStatus = 'up' | 'paused' | 'killed' | 'stopped';

export interface FleetNode {
  /** NODE_ID (node-1, node-2, …; a node added later gets the next number). */
  id: string;
  server: ServerProcess;
  status: NodeStatus;
}

export interface FleetOptions {
  nodes: number;
  logDir: string;
  dataDir: string;
  probePath: string;
  discordApiUrl: string;
  logLevel: string;
  /** Environment every node gets (WORKER_SPAWN_CONCURRENCY, LEASE_MS, …). */
  env: Record<string, string>;
  /** A real MongoDB shared by the nodes instead of the embedded store. */
  mongodbUri?: string | undefined;
  serverEntry?: string | undefined;
  nodeArgs?: readonly string[] | undefined;
}

export class ServerFleet {
  readonly probes = new ProbeSet();
  readonly nodes: FleetNode[] = [];
  readonly #opts: FleetOptions;
  readonly #nodeEnv: Record<string, string>;
  #store: StoreProcess | undefined;

  private constructor(opts: FleetOptions, nodeEnv: Record<string, string>) {
    this.#opts = opts;
    this.#nodeEnv = nodeEnv;
  }

  /** Starts the store (several nodes) and the nodes; resolves once every node listens. */
  static async start(opts: FleetOptions): Promise<ServerFleet> {
    const env: Record<string, string> = { ...opts.env };
    let store: StoreProcess | undefined;
    if (opts.mongodbUri) env.MONGODB_URI = opts.mongodbUri;
    if (opts.nodes > 1) {
      if (!opts.mongodbUri) {
        store = await startStoreProcess({
          dataDir: storeDataDir(opts.dataDir),
          port: 0,
          startTimeoutMs: CLUSTER_DEFAULTS.startTimeoutMs,
          stopTimeoutMs: CLUSTER_DEFAULTS.storeStopTimeoutMs,
        });
        env.MONGODB_URI = store.uri;
      }
      Object.assign(env, await clusterSecrets(opts.dataDir, {}));
    }
    const fleet = new ServerFleet(opts, env);
    fleet.#store = store;
    try {
      await Promise.all(Array.from({ length: opts.nodes }, () => fleet.addNode()));
    } catch (err) {
      await fleet.close();
      throw err;
    }
    return fleet;
  }

  get multiNode(): boolean {
    return this.#opts.nodes > 1;
  }

  /** The nodes answering requests. */
  get up(): FleetNode[] {
    return this.nodes.filter((n) => n.status === 'up');
  }

  urls(): string[] {
    return this.up.map((n) => n.server.baseUrl);
  }

  /** The store process several nodes share (the embedded store's CLI), if there is one. */
  get sharedStorePid(): number | undefined {
    return this.#store?.process.pid;
  }

  /** Server pids that may use CPU or hold workers (up or paused). */
  serverPids(): number[] {
    return this.nodes.filter((n) => n.status === 'up' || n.status === 'paused').map((n) => n.server.pid);
  }

  /** Starts one more node (node-<next>); resolves once it listens. */
  async addNode(): Promise<FleetNode> {
    const id = `node-${this.nodes.length + 1}`;
    const placeholder = { id, status: 'stopped' } as FleetNode;
    this.nodes.push(placeholder);
    const server = await startServer({
      logDir: this.#opts.logDir,
      name: this.multiNode ? id : 'server',
      dataDir: this.#opts.dataDir,
      probePath: this.#opts.probePath,
      discordApiUrl: this.#opts.discordApiUrl,
      logLevel: this.#opts.logLevel,
      env: this.multiNode ? { ...this.#nodeEnv, NODE_ID: id } : this.#nodeEnv,
      serverEntry: this.#opts.serverEntry,
      nodeArgs: this.#opts.nodeArgs,
    });
    Object.assign(placeholder, { server, status: 'up' });
    this.probes.add(id, server.probe);
    return placeholder;
  }

  /** SIGKILL: the node's workers are left to notice and exit by themselves. */
  kill(node: FleetNode): void {
    this.#signal(node, 'SIGKILL', 'killed');
  }

  /** SIGSTOP: the node keeps its sockets but does nothing, its workers are left running. */
  pause(node: FleetNode): void {
    this.#signal(node, 'SIGSTOP', 'paused');
  }

  resume(node: FleetNode): void {
    this.#signal(node, 'SIGCONT', 'up');
  }

  /** SIGTERM and wait for the exit (graceful hand-off); resolves with how long it took, ms. */
  async stop(node: FleetNode): Promise<number> {
    const started = Date.now();
    node.status = 'stopped';
    this.probes.setGone(node.id, true);
    await node.server.stop();
    return Date.now() - started;
  }

  /**
   * Stops every node at once (a paused one is continued first), then the store. Resolves with
   * the longest SIGTERM → exit of the nodes that were up, ms.
   */
  async close(): Promise<number | null> {
    const running = this.nodes.filter((n) => n.server && (n.status === 'up' || n.status === 'paused'));
    for (const node of running) if (node.status === 'paused') this.resume(node);
    const times = await Promise.all(running.map((node) => this.stop(node)));
    // A killed node's exit is already known; make sure nothing of it is left waiting.
    await Promise.all(this.nodes.filter((n) => n.server).map((n) => n.server.exited));
    await this.#store?.process.stop('SIGTERM');
    return times.length > 0 ? Math.max(...times) : null;
  }

  #signal(node: FleetNode, signal: NodeJS.Signals, status: NodeStatus): void {
    node.status = status;
    this.probes.setGone(node.id, status !== 'up');
    try {
      process.kill(node.server.pid, signal);
    } catch {
      // Already gone.
    }
  }
}

