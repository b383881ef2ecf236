import { IsoDate, Type } from '../common-schemas.js';

export const HealthBody = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  db: Type.Union([Type.Literal('up'), Type.Literal('down')]),
});

const StateCounts = Type.Record(Type.String(), Type.Integer(), {
  description: 'Workers by state (stopped, starting, connecting, ready, stopping, backoff, crashed, error)',
});

const ClusterNode = Type.Object({
  id: Type.String({ description: 'NODE_ID' }),
  accounts: Type.Integer({ description: 'Account leases it holds' }),
  heartbeatAt: Type.String({ format: 'date-time' }),
  version: Type.String(),
  startedAt: Type.String({ format: 'date-time' }),
  capacity: Type.Union([Type.Integer(), Type.Null()], { description: 'MAX_ACCOUNTS_PER_NODE; null when unlimited' }),
});

const ClusterFigures = Type.Object(
  {
    nodeId: Type.String({ description: 'The node that answered' }),
    takes: Type.Integer({ description: 'Leases this node took since it started' }),
    takeovers: Type.Integer({ description: 'Of those, taken over from a node whose lease expired (failover)' }),
    handOffs: Type.Integer({ description: 'Leases handed to other nodes to even out the shares' }),
    releases: Type.Integer({ description: 'Leases released: account stopped, or graceful shutdown' }),
    lost: Type.Integer({ description: 'Workers stopped because another node holds their lease' }),
    fencingStops: Type.Integer({ description: 'Workers stopped because the renew deadline passed' }),
    renewFailures: Type.Integer({ description: 'Lease renewal writes that failed' }),
  },
  { description: "Admins only: this node's lease counters" },
);

const EmbeddedStoreFigures = Type.Object(
  {
    pid: Type.Union([Type.Integer(), Type.Null()], { description: 'The running store process; null while it restarts' }),
    up: Type.Boolean({ description: 'A store process is ready and answering' }),
    startedAt: Type.String({ format: 'date-time', description: 'When the current (or last) store process became ready' }),
    restarts: Type.Object(
      {
        crash: Type.Integer({ description: 'Forked again after the store process exited by itself or was killed' }),
        hang: Type.Integer({ description: 'Forked again after the server killed it for leaving its pings unanswered' }),
      },
      { description: 'Store processes restarted since the server started, by cause' },
    ),
  },
  { description: 'Only when the embedded store runs in its own process (no MONGODB_URI, EMBEDDED_STORE=process)' },
);

export const StatusBody = Type.Object({
  version: Type.String(),
  uptimeSeconds: Type.Number(),
  db: Type.Object({ state: Type.Union([Type.Literal('up'), Type.Literal('down')]), kind: Type.String() }),
  memory: Type.Object({ rss: Type.Integer(), heapUsed: Type.Integer() }),
  accounts: Type.Object({ total: Type.Integer(), byState: StateCounts }),
  server: Type.Optional(
    Type.Object(
      {
        workers: Type.Object({ total: Type.Integer(), byState: StateCounts }),
        workerMemory: Type.Array(
          Type.Object({ accountId: Type.String(), rss: Type.Integer(), heapUsed: Type.Integer() }),
        ),
        rates: Type.Object({ eventsPerSec: Type.Number(), deliveriesPerSec: Type.Number() }),
        eventLoopLagMs: Type.Number(),
        embeddedStore: Type.Optional(EmbeddedStoreFigures),
      },
      { description: 'Admins only: the whole server' },
    ),
  ),
  nodes: Type.Optional(Type.Array(ClusterNode, { description: 'Admins only: the live nodes sharing the database' })),
  cluster: Type.Optional(ClusterFigures),
});

export const HistoryQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Inclusive; default: an hour before `to`' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive; default: now' })),
  limit: Type.Integer({ minimum: 1, maximum: 5000, default: 720, description: 'At most this many samples (the newest of the range)' }),
});

export const MetricsSample = Type.Object({
  at: IsoDate,
  process: Type.Object({ rss: Type.Number(), heapUsed: Type.Number(), cpuPercent: Type.Number(), eventLoopLagMs: Type.Number() }),
  workers: Type.Object({ total: Type.Integer(), byState: StateCounts, rssTotal: Type.Number() }),
  rates: Type.Object({ eventsPerSec: Type.Number(), deliveriesPerSec: Type.Number() }),
});

export const HistoryBody = Type.Object({
  from: IsoDate,
  to: IsoDate,
  items: Type.Array(MetricsSample, { description: 'Samples taken every METRICS_INTERVAL_MS, oldest first' }),
});
