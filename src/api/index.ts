import type { FastifyPluginAsync } from 'fastify';
import systemRoutes from './system/index.js';

/** Every route under /api; one folder per resource. */
const api: FastifyPluginAsync = async (app) => {
  await app.register(systemRoutes);
};

export default api;
