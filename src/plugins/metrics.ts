import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppMetrics } from '../metrics/app-metrics.js';
import { UnauthorizedError } from '../services/errors.js';
import { SUPERVISOR_DEFAULTS } from '../supervisor/index.js';
import { forEachInSlices } from '../utils/in-slices.js';
import { errors } from '../api/common-schemas.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: AppMetrics;
  }
}

/** Rule and content skip reasons are a closed set; failure texts are not, so they get no label. */
const reasonLabel = (status: string, reason: string | undefined) => (status === 'failed' ? '' : (reason ?? ''));

const digest = (text: string) => createHash('sha256').update(text).digest();

/** How often ready workers are pinged to sample the IPC round trip. */
const PING_EVERY_MS = 15_000;

/**
 * Prometheus metrics (prom-client): fed by the supervisor, the activity service, the pipeline
 * and the MongoDB driver's command events. `GET /metrics` serves them to a scraper holding
 * METRICS_TOKEN. Without METRICS_TOKEN nobody can read them: the route does not exist, and
 * nothing feeds them (no listeners, no worker pings, no process metrics, and the database
 * plugin leaves the driver's command monitoring off) — that work would be CPU spent for nobody.
 */
export default fp(
  async function metrics(app: FastifyInstance) {
    const { supervisor, activity, pipeline, db, config } = app;
    const token = config.METRICS_TOKEN;
    const m = new AppMetrics(
      {
        workersByState: () => supervisor.countsByState(),
        liveStreams: () => app.liveEvents.openStreams(),
        // The server has a store process for its whole life, or never (MONGODB_URI, inline).
        embeddedStore: db.storeProcess() && (() => db.storeProcess()!),
      },
      { processMetrics: token !== undefined },
    );

    app.decorate('metrics', m);
    if (!token) return;

    // A restart shows as a snapshot whose restart count grew; its cause is the error that ended
    // the previous process, if it happened since the last one counted.
    const seen = new Map<string, { restarts: number; at: number }>();
    supervisor.on('state', (w) => {
      const before = seen.get(w.accountId) ?? { restarts: 0, at: 0 };
      if (w.restarts > before.restarts) {
        const cause = w.lastError && w.lastError.at >= before.at ? w.lastError.code : 'requested';
        m.restarts.inc({ cause }, w.restarts - before.restarts);
      }
      seen.set(w.accountId, { restarts: w.restarts, at: Date.now() });
    });
    supervisor.on('activity', (_accountId, event) => m.activityEvents.inc({ kind: event.kind }));
    activity.on('stored', (batch) => {
      const now = Date.now();
      for (const a of batch) m.presenceToStored.observe(Math.max(0, now - a.event.at) / 1000);
    });
    pipeline.on('outcome', (o) => {
      const outcome = o.status === 'no-match' ? 'skipped' : o.status;
      m.deliveries.inc({ outcome, reason: reasonLabel(outcome, o.reason) });
      if (o.status === 'sent' && o.latencyMs !== undefined) m.presenceToDelivered.observe(o.latencyMs / 1000);
    });
    const client = db.connection.getClient();
    client.on('commandSucceeded', (e) => m.dbCommand.observe({ command: e.commandName, outcome: 'ok' }, e.duration / 1000));
    client.on('commandFailed', (e) => m.dbCommand.observe({ command: e.commandName, outcome: 'error' }, e.duration / 1000));

    // A few workers per event-loop turn: pinging all of them in one turn stalled the loop.
    const pinger = setInterval(() => {
      const ready = supervisor.list().filter((w) => w.state === 'ready');
      void forEachInSlices(ready, SUPERVISOR_DEFAULTS.fanOutPerTurn, (w) => {
        supervisor.ping(w.accountId).then(
          (ms) => m.ipcRoundTrip.observe({ type: 'ping' }, ms / 1000),
          () => {},
        );
      });
    }, PING_EVERY_MS);
    pinger.unref();
    app.addHook('onClose', async () => clearInterval(pinger));

    const expected = digest(`Bearer ${token}`);
    const checkToken = async (request: FastifyRequest) => {
      if (!timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) {
        throw new UnauthorizedError('Missing or wrong METRICS_TOKEN');
      }
    };
    app.get(
      '/metrics',
      {
        onRequest: [checkToken],
        schema: {
          tags: ['system'],
          summary: 'Prometheus metrics (text exposition format)',
          description: 'Authorization: Bearer <METRICS_TOKEN>. Metric names are listed in docs/operations.md.',
          security: [{ bearerAuth: [] }],
          response: {
            200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
            ...errors(401, 429),
          },
        },
      },
      async (_request, reply) => {
        const body = await m.registry.metrics();
        return reply.type(m.registry.contentType).send(body);
      },
    );
  },
  { name: 'metrics', dependencies: ['database', 'supervisor', 'live-events'] },
);
