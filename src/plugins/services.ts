import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AccountService } from '../services/account-service.js';
import { FriendService } from '../services/friend-service.js';
import { HistoryService } from '../services/history-service.js';
import { SystemService } from '../services/system-service.js';
import { UserService } from '../services/user-service.js';
import type { WorkerControl } from '../services/worker-control.js';
import { SupervisorError } from '../supervisor/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    users: UserService;
    accounts: AccountService;
    friends: FriendService;
    history: HistoryService;
    system: SystemService;
  }
}

/** The services routes call. Routes never touch models or the supervisor directly. */
export default fp(
  async function services(app: FastifyInstance) {
    const { db, supervisor, tokenCipher, activity, pipeline, cluster } = app;
    const workers: WorkerControl = {
      nodeId: cluster.nodeId,
      assertStartable(id) {
        if (supervisor.get(id)?.state !== 'stopping') return;
        throw new SupervisorError('ILLEGAL_TRANSITION', `worker ${id} is stopping; start it once it has stopped`, {
          accountId: id,
          op: 'start',
          state: 'stopping',
          retryable: true,
        });
      },
      apply: (id, opts) => cluster.reconcile(id, opts),
      async awaitStopped(id) {
        await cluster.awaitReleased(id, app.clusterConfig.timing.leaseMs);
      },
      lease: (id) => cluster.lease(id),
      get: (id) => supervisor.get(id),
    };
    const accounts = new AccountService(db.models, tokenCipher, workers, (id) => pipeline.invalidate(id));
    const friends = new FriendService(db.models, accounts);
    let lastCounts = { at: Date.now(), events: 0, deliveries: 0 };
    const system = new SystemService({
      models: db.models,
      workers: supervisor,
      cluster,
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
      const write = accounts.recordWorkerState(snapshot.accountId, snapshot).catch((err: unknown) => {
        app.log.warn({ err, accountId: snapshot.accountId }, 'recording worker state failed');
      });
      // Closing waits for it: the database must not close under the last states of stopping workers.
      db.track(write);
    });

    app.decorate('users', new UserService(db.models));
    app.decorate('accounts', accounts);
    app.decorate('friends', friends);
    app.decorate('history', new HistoryService(db.models, accounts));
    app.decorate('system', system);

    app.addHook('onReady', async () => system.startSampling());
    app.addHook('onClose', async () => system.stop());
  },
  { name: 'services', dependencies: ['database', 'supervisor', 'cluster', 'token-cipher'] },
);
