import { Type } from '../common-schemas.js';

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
