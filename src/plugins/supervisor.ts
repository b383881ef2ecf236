import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { ActivityService } from '../services/activity-service.js';
import { FriendDirectory } from '../services/friend-directory.js';
import { loadWorkerInit } from '../services/worker-init.js';
import { Supervisor } from '../supervisor/supervisor.js';

declare module 'fastify' {
  interface FastifyInstance {
    supervisor: Supervisor;
    activity: ActivityService;
    friendDirectory: FriendDirectory;
  }
}

export interface SupervisorPluginOptions {
  /** Supervisor overrides (tests shorten heartbeats and backoff). */
  supervisor?: Partial<ConstructorParameters<typeof Supervisor>[0]>;
}

/**
 * The account workers and the event path they feed: Supervisor → ActivityService (batched
 * ActivityHistory writes) → content pipeline. On close: stop every child, then store every
 * event received, before the database plugin disconnects.
 */
export default fp<SupervisorPluginOptions>(
  async function supervisor(app: FastifyInstance, opts) {
    const { config, db, tokenCipher } = app;
    const friendDirectory = new FriendDirectory(db.models);
    const activity = new ActivityService({
      models: db.models,
      friends: friendDirectory,
      logger: app.log.child({ component: 'activity' }),
    });
    const workerHeap = `--max-old-space-size=${config.WORKER_MAX_HEAP_MB}`;
    const sup = new Supervisor({
      resolveInit: (accountId) => loadWorkerInit(db.models, tokenCipher, accountId),
      execArgv: [workerHeap],
      ...(config.DISCORD_API_URL ? { discordApiUrl: config.DISCORD_API_URL } : {}),
      ...(config.WORKER_SPAWN_CONCURRENCY > 0 ? { spawnConcurrency: config.WORKER_SPAWN_CONCURRENCY } : {}),
      logger: app.log.child({ component: 'supervisor' }) as unknown as Logger,
      ...opts.supervisor,
    });
    sup.on('activity', (accountId, event) => activity.record(accountId, event));

    app.decorate('supervisor', sup);
    app.decorate('activity', activity);
    app.decorate('friendDirectory', friendDirectory);

    app.addHook('onClose', async () => {
      await sup.close();
      await activity.flush();
    });
  },
  { name: 'supervisor', dependencies: ['config', 'database', 'token-cipher'] },
);
