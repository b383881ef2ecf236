import { hostname } from 'node:os';
import { isPlainObject, toLong } from '../bson/values.js';
import { EMBEDDED_MONGO_DEFAULTS } from '../constants.js';
import { CommandError } from '../errors.js';
import type { CommandHandler } from './command-context.js';

/** What serverStatus reports about the process, kept by the dispatcher and the listener. */
export interface ServerCounters {
  readonly startedAt: number;
  /** Commands by opcounters bucket (`insert` and `update`/`delete` count documents/statements). */
  readonly opcounters: Record<'insert' | 'query' | 'update' | 'delete' | 'getmore' | 'command', number>;
  connections(): { current: number; totalCreated: number };
}

const MIB = 1024 * 1024;

/** The documented subset of mongod's serverStatus. */
const serverStatus: CommandHandler = (_command, context) => {
  const { server } = context;
  const uptimeMs = Date.now() - server.startedAt;
  const { current, totalCreated } = server.connections();
  const memory = process.memoryUsage();
  return {
    host: hostname(),
    version: EMBEDDED_MONGO_DEFAULTS.version,
    process: 'mongod',
    pid: toLong(process.pid),
    uptime: uptimeMs / 1000,
    uptimeMillis: toLong(uptimeMs),
    uptimeEstimate: toLong(Math.floor(uptimeMs / 1000)),
    localTime: new Date(),
    connections: { current, available: 1_000_000 - current, totalCreated, active: current },
    mem: { bits: 64, resident: Math.round(memory.rss / MIB), virtual: Math.round((memory.rss + memory.external) / MIB), supported: true },
    opcounters: Object.fromEntries(Object.entries(server.opcounters).map(([name, count]) => [name, toLong(count)])),
    ok: 1,
  };
};

/**
 * A minimal but well-formed `queryPlanner` answer. The store has no planner: every query is shown
 * as a collection scan with its filter.
 */
const explain: CommandHandler = (command, context) => {
  const inner = command.explain;
  if (!isPlainObject(inner)) throw new CommandError('FailedToParse', 'explain command requires a nested object');
  const [name, target] = Object.entries(inner)[0] ?? [];
  if (typeof name !== 'string' || typeof target !== 'string') throw new CommandError('InvalidNamespace', 'explain of an unknown command');
  const filter = inner.filter ?? inner.query ?? {};
  return {
    explainVersion: '1',
    queryPlanner: {
      namespace: `${context.db}.${target}`,
      indexFilterSet: false,
      parsedQuery: filter,
      planCacheShapeHash: '00000000',
      maxIndexedOrSolutionsReached: false,
      maxIndexedAndSolutionsReached: false,
      maxScansToExplodeReached: false,
      winningPlan: { stage: 'COLLSCAN', filter, direction: 'forward' },
      rejectedPlans: [],
    },
    command: { ...inner, $db: context.db },
    serverInfo: { host: hostname(), port: 0, version: EMBEDDED_MONGO_DEFAULTS.version, gitVersion: 'embedded' },
    ok: 1,
  };
};

/** The store has no runtime parameters: refused as mongod refuses an unknown one. */
const setParameter: CommandHandler = (command, context) => {
  if (context.db !== 'admin') throw new CommandError('Unauthorized', 'setParameter may only be run against the admin database.');
  const name = Object.keys(command).find((key) => key !== 'setParameter' && !key.startsWith('$') && key !== 'lsid' && key !== 'comment');
  if (name === undefined) throw new CommandError('InvalidOptions', 'no option found to set, use help:true to see options ');
  throw new CommandError('InvalidOptions', `attempted to set unrecognized parameter [${name}], use help:true to see options `);
};

export const serverInfoCommands: Record<string, CommandHandler> = { serverStatus, explain, setParameter };
