import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ClusterCoordinator } from '../cluster/cluster-coordinator.js';
import { LeaseRepository } from '../cluster/lease-repository.js';
import { NodeRegistry } from '../cluster/node-registry.js';
import { VERSION } from '../config/version.js';
import { persistSessions } from '../services/gateway-sessions.js';
import { enabledFriendIds } from '../services/worker-init.js';
import { RESTING_STATES } from '../supervisor/worker-state.js';

declare module 'fastify' {
  interface FastifyInstance {
    cluster: ClusterCoordinator;
  }
}

export interface ClusterPluginOptions {
  /**
   * Join the cluster once the app is ready: take leases, run workers. One-shot scripts on the
   * server's database (`npm run seed`) turn it off; their changes reach the running servers.
   * @defaultValue true
   */
  join?: boolean;
  /** Coordinator overrides (tests shorten the poll). */
  cluster?: { pollMs?: number; safetyPollMs?: number; maxShedPerPeriod?: number };
}

/**
 * This server as one node among those sharing the database: leases decide which node runs each
 * account's worker (src/cluster/). One node alone behaves like a plain server: it takes every
 * running account.
 */
export default fp<ClusterPluginOptions>(
  async function cluster(app: FastifyInstance, opts) {
    const { db, supervisor, activity, pipeline, friendDirectory, tokenCipher, clusterConfig: config } = app;
    const { nodeId, timing, capacity } = config;
    const coordinator = new ClusterCoordinator({
      config,
      leases: new LeaseRepository(db.models, nodeId, timing.leaseMs),
      registry: new NodeRegistry(db.models, nodeId, { capacity, version: VERSION, leaseMs: timing.leaseMs }),
      workers: supervisor,
      hooks: {
        async changed(accountId) {
          pipeline.invalidate(accountId);
          friendDirectory.invalidate(accountId);
          const state = supervisor.get(accountId)?.state;
          if (state !== undefined && !RESTING_STATES.has(state)) {
            supervisor.updateFriends(accountId, await enabledFriendIds(db.models, accountId));
          }
        },
        flush: () => activity.flush(),
        handOver: (ids) =>
          persistSessions(
            db.models.DiscordAccount,
            tokenCipher,
            ids.flatMap((id) => {
              const handover = supervisor.releaseSession(id);
              return handover ? [[id, handover] as const] : [];
            }),
          ),
        keepalive: (validForMs) => supervisor.renewLeases(validForMs),
        drain: () => pipeline.drain(),
      },
      logger: app.log.child({ component: 'cluster' }),
      // Watched with a change stream where the database has them (a replica set).
      changes: db.models.DiscordAccount.collection,
      // A store this process started on its private socket is reachable by no other node.
      exclusiveStore: db.kind === 'embedded' && app.config.EMBEDDED_MONGO_PORT === undefined,
      ...opts.cluster,
    });
    app.decorate('cluster', coordinator);
    if (opts.join !== false) app.addHook('onReady', () => coordinator.join());
    // Registered after the supervisor plugin, so this runs first on close: workers stop, events
    // are stored, then the leases go, before the database disconnects.
    app.addHook('onClose', () => coordinator.close());
  },
  { name: 'cluster', dependencies: ['config', 'database', 'supervisor'] },
);
