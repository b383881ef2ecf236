import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { dropPersistedSession, persistSessions } from '../services/gateway-sessions.js';
import { loadWorkerInit } from '../services/worker-init.js';
import { SUPERVISOR_DEFAULTS, Supervisor, type SupervisorOptions } from '../supervisor/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    supervisor: Supervisor;
  }
}

export interface SupervisorPluginOptions {
  /** Supervisor overrides (tests shorten heartbeats and backoff). */
  supervisor?: Partial<SupervisorOptions>;
}

/**
 * The Supervisor of the account workers, feeding the event path: activity events to
 * ActivityService, `ready` to the pipeline's warm-up. Registered after the activity and pipeline
 * plugins, so it closes first: every child stops (leaving its gateway session resumable), every
 * event received is stored, the sessions are persisted encrypted; then the activity and pipeline
 * plugins finish — all before the database plugin disconnects.
 */
export default fp<SupervisorPluginOptions>(
  async function supervisor(app: FastifyInstance, opts) {
    const { config, db, tokenCipher, activity, pipeline } = app;
    const logger = app.log;
    const sup = new Supervisor({
      resolveInit: async (accountId) => {
        // Never a worker without the lease: a restart after this node lost it must not connect.
        if (!app.cluster.holds(accountId)) throw new Error('this node does not hold the account’s lease');
        const init = await loadWorkerInit(db.models, tokenCipher, accountId);
        // The worker closes its connection by itself unless the lease keepalive goes on.
        return { ...init, settings: { ...init.settings, leaseValidForMs: app.cluster.validForMs(accountId) } };
      },
      execArgv: [
        ...SUPERVISOR_DEFAULTS.execArgv.filter((flag) => !flag.startsWith('--max-old-space-size=')),
        `--max-old-space-size=${config.WORKER_MAX_HEAP_MB}`,
      ],
      ...(config.DISCORD_API_URL ? { discordApiUrl: config.DISCORD_API_URL } : {}),
      ...(config.WORKER_SPAWN_CONCURRENCY > 0 ? { spawnConcurrency: config.WORKER_SPAWN_CONCURRENCY } : {}),
      niceness: config.WORKER_NICENESS,
      invalidRequestsPerOwner: config.INVALID_REQUESTS_PER_USER,
      // The supervisor binds its own `component`.
      logger: logger as unknown as Logger,
      ...opts.supervisor,
    });
    sup.on('activity', (accountId, event) => activity.record(accountId, event));
    sup.on('ready', ({ accountId }) => {
      pipeline.warm(accountId).catch((err: unknown) => logger.warn({ err, accountId }, 'warming content failed'));
    });
    // A worker that fenced ended its session: a copy persisted before its message was read (a
    // hand-over while this server was slow) would be resumed by the next owner, and refused.
    const dropping = new Set<Promise<unknown>>();
    sup.on('fenced', (accountId, sessionId) => {
      if (sessionId === undefined) return;
      const drop = dropPersistedSession(db.models.DiscordAccount, tokenCipher, accountId, sessionId)
        .then((dropped) => dropped && logger.info({ accountId }, 'persisted gateway session of a fenced worker removed'))
        .catch((err: unknown) => logger.warn({ err, accountId }, 'persisted gateway session of a fenced worker not removed'))
        .finally(() => dropping.delete(drop));
      dropping.add(drop);
    });

    app.decorate('supervisor', sup);

    app.addHook('onClose', async () => {
      await sup.close();
      await Promise.all(dropping);
      await activity.flush();
      // After the flush: a session is persisted at a sequence whose events are all stored.
      const sessions = sup.sessionAccounts().flatMap((id) => {
        const handover = sup.sessionHandover(id);
        return handover ? [[id, handover] as const] : [];
      });
      await persistSessions(db.models.DiscordAccount, tokenCipher, sessions).catch((err: unknown) =>
        logger.warn({ err, sessions: sessions.length }, 'gateway sessions not persisted; the next start identifies'),
      );
    });
  },
  { name: 'supervisor', dependencies: ['config', 'database', 'token-cipher', 'activity', 'delivery-pipeline'] },
);
