import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ActivityService } from '../services/activity-service.js';
import { FriendDirectory } from '../services/friend-directory.js';

declare module 'fastify' {
  interface FastifyInstance {
    activity: ActivityService;
    friendDirectory: FriendDirectory;
  }
}

/**
 * The activity path: FriendDirectory (discordUserId → friend, cached per account) and
 * ActivityService (batched ActivityHistory writes), which hands each event to the pipeline on
 * arrival. Closes after the supervisor and before the pipeline: every event received is stored.
 */
export default fp(
  async function activity(app: FastifyInstance) {
    const { db, pipeline } = app;
    const friendDirectory = new FriendDirectory(db.models);
    const activityService = new ActivityService({
      models: db.models,
      friends: friendDirectory,
      logger: app.log.child({ component: 'activity' }),
      // The pipeline prepares each delivery while the event is written; it sends once stored.
      onReceived: (received) => pipeline.handle([received]),
      // The cluster plugin is registered later; the check runs per batch.
      holdsLease: (accountId) => app.cluster.holds(accountId),
    });
    app.decorate('activity', activityService);
    app.decorate('friendDirectory', friendDirectory);
    app.addHook('onClose', async () => {
      await activityService.flush();
    });
  },
  { name: 'activity', dependencies: ['database', 'delivery-pipeline'] },
);
