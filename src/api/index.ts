import type { FastifyPluginAsync } from 'fastify';
import accountRoutes from './accounts/index.js';
import logRoutes from './accounts/logs.js';
import operationRoutes from './accounts/operations.js';
import authRoutes from './auth/index.js';
import discoveryRoutes from './discovery/index.js';
import eventRoutes from './events/index.js';
import friendRoutes from './friends/index.js';
import historyRoutes from './history/index.js';
import systemRoutes from './system/index.js';

/** Every route under /api; one folder per resource. */
const api: FastifyPluginAsync = async (app) => {
  await app.register(systemRoutes);
  await app.register(authRoutes, { prefix: '/auth' });
  await app.register(eventRoutes, { prefix: '/events' });
  await app.register(accountRoutes, { prefix: '/accounts' });
  await app.register(operationRoutes, { prefix: '/accounts' });
  await app.register(friendRoutes, { prefix: '/accounts/:id/friends' });
  await app.register(historyRoutes, { prefix: '/accounts/:id' });
  await app.register(discoveryRoutes, { prefix: '/accounts/:id' });
  await app.register(logRoutes, { prefix: '/accounts/:id' });
};

export default api;
