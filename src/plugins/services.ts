import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AccountService } from '../services/account-service.js';
import { FriendService } from '../services/friend-service.js';
import { HistoryService } from '../services/history-service.js';
import { SystemService } from '../services/system-service.js';
import { UserService } from '../services/user-service.js';
import type { WorkerControl } from '../services/worker-control.js';

declare module 'fastify' {
  interface FastifyInstance {
    users: UserService;
    accounts: AccountService;
    friends: FriendService;
    history: HistoryService;
    system: SystemService;
  }
}

export interface ServicesPluginOptions {
  /**
   * Start the workers of accounts whose desired state is `running` once the app is ready.
   * One-shot scripts on the server's database (`npm run seed`) turn it off.
   * @defaultValue true
   */
  restoreRunning?: boolean;
}

/** The services routes call. Routes never touch models or the supervisor directly. */
export default fp<ServicesPluginOptions>(
  async function services(app: FastifyInstance, opts) {
    const { db, supervisor, tokenCipher, friendDirectory, activity, pipeline } = app;
    const workers: WorkerControl = {
      start: (id) => supervisor.start(id),
      stop: (id) => supervisor.stop(id),
      restart: (id) => supervisor.restart(id),
      remove: (id) => supervisor.remove(id),
      get: (id) => supervisor.get(id),
      updateFriends(id, ids) {
        // The activity path caches friends; a change must reach it and the worker together.
        friendDirectory.invalidate(id);
        supervisor.updateFriends(id, ids);
      },
    };
    const accounts = new AccountService(db.models, tokenCipher, workers, (id) => pipeline.invalidate(id));
    const friends = new FriendService(db.models, accounts, workers);
    let lastCounts = { at: Date.now(), events: 0, deliveries: 0 };
    const system = new SystemService({
      models: db.models,
      workers: supervisor,
      rates: {
        rates() {
          const now = Date.now();
          const events = activity.counts.received;
          const deliveries = pipeline.delivered;
          const seconds = Math.max((now - lastCounts.at) / 1000, 0.001);
          const rates = {
            eventsPerSec: (events - lastCounts.events) / seconds,
            deliveriesPerSec: (deliveries - lastCounts.deliveries) / seconds,
          };
          lastCounts = { at: now, events, deliveries };
          return rates;
        },
      },
      isDbUp: () => db.isUp(),
      dbKind: db.kind,
      intervalMs: app.config.METRICS_INTERVAL_MS,
      logger: app.log.child({ component: 'system' }),
    });

    // Persist what workers report (bot identity, last state and error) for the API and restarts.
    supervisor.on('state', (snapshot) => {
      accounts.recordWorkerState(snapshot.accountId, snapshot).catch((err: unknown) => {
        app.log.warn({ err, accountId: snapshot.accountId }, 'recording worker state failed');
      });
    });

    app.decorate('users', new UserService(db.models));
    app.decorate('accounts', accounts);
    app.decorate('friends', friends);
    app.decorate('history', new HistoryService(db.models, accounts));
    app.decorate('system', system);

    app.addHook('onReady', async () => {
      system.startSampling();
      if (opts.restoreRunning === false) return;
      const restored = await accounts.restoreRunning();
      if (restored > 0) app.log.info({ restored }, 'restarting accounts that were running');
    });
    app.addHook('onClose', async () => system.stop());
  },
  { name: 'services', dependencies: ['database', 'supervisor', 'token-cipher'] },
);
