import { IsoDate, Type } from '../common-schemas.js';

export const HealthBody = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  db: Type.Union([Type.Literal('up'), Type.Literal('down')]),
});

const StateCounts = Type.Record(Type.String(), Type.Integer(), {
  description: 'Workers by state (stopped, starting, connecting, ready, stopping, backoff, crashed, error)',
});

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
      },
      { description: 'Admins only: the whole server' },
    ),
  ),
});

export const HistoryQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Inclusive; default: an hour before `to`' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive; default: now' })),
  limit: Type.Integer({ minimum: 1, maximum: 5000, default: 720, description: 'At most this many samples (the newest of the range)' }),
});

const Sample = Type.Object({
  at: IsoDate,
  process: Type.Object({ rss: Type.Number(), heapUsed: Type.Number(), cpuPercent: Type.Number(), eventLoopLagMs: Type.Number() }),
  workers: Type.Object({ total: Type.Integer(), byState: StateCounts, rssTotal: Type.Number() }),
  rates: Type.Object({ eventsPerSec: Type.Number(), deliveriesPerSec: Type.Number() }),
});

export const HistoryBody = Type.Object({
  from: IsoDate,
  to: IsoDate,
  items: Type.Array(Sample, { description: 'Samples taken every METRICS_INTERVAL_MS, oldest first' }),
});
