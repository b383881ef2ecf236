import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AccountChanges } from '../services/account-changes.js';
import { AccountService } from '../services/account-service.js';
import { DiscoveryService } from '../services/discovery-service.js';
import { FriendService } from '../services/friend-service.js';
import { RegexWriteRate } from '../services/regex-write-rate.js';
import { HistoryService } from '../services/history-service.js';
import { SystemService } from '../services/system-service.js';
import { ThroughputMeter } from '../services/throughput-meter.js';
import { userLimits } from '../services/user-limits.js';
import { UserService } from '../services/user-service.js';
import { PasswordHasher, type ScryptCost } from '../utils/password.js';
import type { WorkerControl } from '../services/worker-control.js';
import { recordWorkerStates } from '../services/worker-state-recorder.js';
import { SupervisorError } from '../supervisor/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    users: UserService;
    accounts: AccountService;
    friends: FriendService;
    /** Per-user rate of rule writes holding regex triggers (REGEX_RULE_WRITES_PER_MINUTE). */
    regexWrites: RegexWriteRate;
    discovery: DiscoveryService;
    history: HistoryService;
    system: SystemService;
  }
}

export interface ServicesPluginOptions {
  /** Password hashing cost; tests pass a cheap one. @defaultValue SCRYPT_COST (never from the environment) */
  passwordCost?: ScryptCost;
}

/** The services routes call. Routes never touch models or the supervisor directly. */
export default fp<ServicesPluginOptions>(
  async function services(app: FastifyInstance, opts) {
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
    // The pipeline's cached account settings reload when an account changes.
    const changes = new AccountChanges();
    changes.on('account', (id) => pipeline.invalidate(id));
    const limits = userLimits(db.models, app.config);
    const accounts = new AccountService(db.models, tokenCipher, workers, limits, changes);
    const friends = new FriendService(db.models, accounts, limits);
    const system = new SystemService({
      models: db.models,
      workers: supervisor,
      cluster,
      rates: new ThroughputMeter(() => ({ events: activity.counts.received, deliveries: pipeline.delivered })),
      isDbUp: () => db.isUp(),
      dbKind: db.kind,
      storeProcess: () => db.storeProcess(),
      intervalMs: app.config.METRICS_INTERVAL_MS,
      logger: app.log.child({ component: 'system' }),
    });

    // The database closes only after the last states of stopping workers are written.
    recordWorkerStates(supervisor, accounts, app.log, (write) => db.track(write));

    app.decorate('users', new UserService(db.models, new PasswordHasher(opts.passwordCost)));
    app.decorate('accounts', accounts);
    app.decorate('friends', friends);
    app.decorate('regexWrites', new RegexWriteRate(db.models.RateBucket, app.config.REGEX_RULE_WRITES_PER_MINUTE));
    app.decorate(
      'discovery',
      new DiscoveryService({
        query: (id, query) => supervisor.query(id, query),
        isReady: (id) => supervisor.get(id)?.state === 'ready',
        // The metrics plugin registers after this one; queries only run once the app is up.
        observe: (kind, seconds) => app.metrics.ipcRoundTrip.observe({ type: `query:${kind}` }, seconds),
      }),
    );
    app.decorate('history', new HistoryService(db.models, accounts));
    app.decorate('system', system);

    app.addHook('onReady', async () => system.startSampling());
    app.addHook('onClose', async () => system.stop());
  },
  { name: 'services', dependencies: ['database', 'supervisor', 'cluster', 'token-cipher'] },
);
