import { parseArgs } from 'node:util';

/** Defaults of `npm run cluster`, in one place. */
export const CLUSTER_DEFAULTS = {
  nodes: 3,
  /** Most nodes `--nodes` accepts: each is a server process plus its workers. */
  maxNodes: 16,
  /** The first node's port; the others follow (3000, 3001, …). */
  firstPort: 3000,
  /** The store's port; 0 = any free one (printed). */
  dbPort: 0,
  /** The same folder `npm start` uses, so a cluster sees the same accounts and secrets. */
  dataDir: './data',
  /** Longest wait for the store or a node to answer. */
  startTimeoutMs: 60_000,
  /** SIGKILL a node that has not exited this long after SIGTERM (its own grace is 20 s). */
  nodeStopTimeoutMs: 30_000,
  /** Same for the store. */
  storeStopTimeoutMs: 10_000,
} as const satisfies Record<string, number | string>;

export interface ClusterOptions {
  nodes: number;
  firstPort: number;
  dbPort: number;
  dataDir: string;
  /** Skip `npm run build` (dist/ must exist). */
  skipBuild: boolean;
  /** Relay every server log line, not only warnings and errors. */
  verbose: boolean;
  help: boolean;
}

export const CLUSTER_USAGE = `usage: npm run cluster -- [--nodes N] [--port P] [--db-port P] [--data-dir DIR] [--skip-build] [--verbose]

  --nodes N       server nodes, 1 to ${CLUSTER_DEFAULTS.maxNodes} (default ${CLUSTER_DEFAULTS.nodes})
  --port P        the first node's port; node i listens on P + i - 1 (default ${CLUSTER_DEFAULTS.firstPort})
  --db-port P     the embedded store's port (default: a free one, printed)
  --data-dir DIR  the store's data (DIR/db), secrets and logs (DIR/cluster-logs) (default ${CLUSTER_DEFAULTS.dataDir})
  --skip-build    use dist/ as it is instead of running npm run build first
  --verbose       print every server log line (default: warnings and errors only)

Other settings (LEASE_MS, DISCORD_API_URL, …) come from the environment, as for npm start.
Ctrl-C or SIGTERM stops every node, then the store.
`;

export class ClusterUsageError extends Error {
  override name = 'ClusterUsageError';
}

function integer(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ClusterUsageError(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** Parses the command line; throws ClusterUsageError with a readable message. */
export function parseClusterOptions(argv: string[]): ClusterOptions {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (err) {
    throw new ClusterUsageError((err as Error).message);
  }
  const nodes = integer('nodes', values.nodes, 1, CLUSTER_DEFAULTS.maxNodes) ?? CLUSTER_DEFAULTS.nodes;
  const firstPort = integer('port', values.port, 1, 65_535 - nodes + 1) ?? CLUSTER_DEFAULTS.firstPort;
  return {
    nodes,
    firstPort,
    dbPort: integer('db-port', values['db-port'], 0, 65_535) ?? CLUSTER_DEFAULTS.dbPort,
    dataDir: values['data-dir'] ?? CLUSTER_DEFAULTS.dataDir,
    skipBuild: values['skip-build'] ?? false,
    verbose: values.verbose ?? false,
    help: values.help ?? false,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      nodes: { type: 'string' },
      port: { type: 'string' },
      'db-port': { type: 'string' },
      'data-dir': { type: 'string' },
      'skip-build': { type: 'boolean' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
