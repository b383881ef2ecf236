import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { ActivityService } from '../services/activity-service.js';
import { type ContentConfig, ContentService, createProviderRegistry } from '../services/content/index.js';
import { DeliveryPipeline } from '../services/delivery-pipeline.js';
import { FriendDirectory } from '../services/friend-directory.js';
import { isOn } from '../config/env-schema.js';
import { persistSessions } from '../services/gateway-sessions.js';
import { loadWorkerInit } from '../services/worker-init.js';
import { SUPERVISOR_DEFAULTS, Supervisor, type SupervisorOptions } from '../supervisor/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    supervisor: Supervisor;
    activity: ActivityService;
    friendDirectory: FriendDirectory;
    content: ContentService;
    pipeline: DeliveryPipeline;
  }
}

export interface SupervisorPluginOptions {
  /** Supervisor overrides (tests shorten heartbeats and backoff). */
  supervisor?: Partial<SupervisorOptions>;
  /** Pipeline overrides (tests shorten retries). */
  pipeline?: { maxAttempts?: number; retryBaseMs?: number };
}

/** What an account without content settings gets: the samples shipped in CONTENT_DIR. */
const DEFAULT_CONTENT: ContentConfig = {
  providers: [{ kind: 'directory', weight: 1, path: 'sample-content' }],
  allowNsfw: false,
};

/**
 * The account workers and the event path they feed: Supervisor → ActivityService (batched
 * ActivityHistory writes) → DeliveryPipeline (rules → content → deliver → ContentHistory).
 * On close: stop every child (leaving their gateway sessions resumable), store every event
 * received, persist the sessions encrypted, finish deliveries in progress — all before the
 * database plugin disconnects.
 */
export default fp<SupervisorPluginOptions>(
  async function supervisor(app: FastifyInstance, opts) {
    const { config, db, tokenCipher } = app;
    const logger = app.log;
    const content = new ContentService({
      registry: createProviderRegistry({ contentRoot: config.CONTENT_DIR, allowPrivateHosts: isOn(config.CONTENT_ALLOW_PRIVATE_HOSTS) }),
      logger: logger.child({ component: 'content' }),
    });
    const sup = new Supervisor({
      resolveInit: (accountId) => {
        // Never a worker without the lease: a restart after this node lost it must not connect.
        if (!app.cluster.holds(accountId)) return Promise.reject(new Error('this node does not hold the account’s lease'));
        return loadWorkerInit(db.models, tokenCipher, accountId);
      },
      execArgv: [
        ...SUPERVISOR_DEFAULTS.execArgv.filter((flag) => !flag.startsWith('--max-old-space-size=')),
        `--max-old-space-size=${config.WORKER_MAX_HEAP_MB}`,
      ],
      ...(config.DISCORD_API_URL ? { discordApiUrl: config.DISCORD_API_URL } : {}),
      ...(config.WORKER_SPAWN_CONCURRENCY > 0 ? { spawnConcurrency: config.WORKER_SPAWN_CONCURRENCY } : {}),
      // The supervisor binds its own `component`.
      logger: logger as unknown as Logger,
      ...opts.supervisor,
    });
    const pipeline = new DeliveryPipeline({
      models: db.models,
      content,
      deliver: (accountId, target, message) => sup.deliver(accountId, target, message),
      logger: logger.child({ component: 'pipeline' }),
      noRepeatDays: config.NO_REPEAT_DAYS,
      defaultContent: DEFAULT_CONTENT,
      // The cluster plugin is registered after this one; both checks run later, per event.
      holdsLease: (accountId) => app.cluster.holds(accountId),
      ...opts.pipeline,
    });
    const friendDirectory = new FriendDirectory(db.models);
    const activity = new ActivityService({
      models: db.models,
      friends: friendDirectory,
      logger: logger.child({ component: 'activity' }),
      onStored: (batch) => pipeline.handle(batch),
      holdsLease: (accountId) => app.cluster.holds(accountId),
    });
    sup.on('activity', (accountId, event) => activity.record(accountId, event));
    sup.on('ready', ({ accountId }) => {
      pipeline.warm(accountId).catch((err: unknown) => logger.warn({ err, accountId }, 'warming content failed'));
    });

    app.decorate('supervisor', sup);
    app.decorate('activity', activity);
    app.decorate('friendDirectory', friendDirectory);
    app.decorate('content', content);
    app.decorate('pipeline', pipeline);

    app.addHook('onClose', async () => {
      await sup.close();
      await activity.flush();
      // After the flush: a session is persisted at a sequence whose events are all stored.
      const sessions = sup.sessionAccounts().flatMap((id) => {
        const handover = sup.sessionHandover(id);
        return handover ? [[id, handover] as const] : [];
      });
      await persistSessions(db.models.DiscordAccount, tokenCipher, sessions).catch((err: unknown) =>
        logger.warn({ err, sessions: sessions.length }, 'gateway sessions not persisted; the next start identifies'),
      );
      await pipeline.drain();
      content.close();
    });
  },
  { name: 'supervisor', dependencies: ['config', 'database', 'token-cipher'] },
);
