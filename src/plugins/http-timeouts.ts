import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** How often Node looks for connections past their request or headers timeout. */
const CHECK_INTERVAL_MS = 1_000;

/**
 * Slow clients cannot hold connections: a request's headers must arrive within
 * HTTP_HEADERS_TIMEOUT_MS and the whole request, body included, within HTTP_REQUEST_TIMEOUT_MS
 * (then Node answers 408 and closes), and an idle keep-alive connection closes after
 * HTTP_KEEP_ALIVE_TIMEOUT_MS. Responses are not limited (live event streams stay open).
 */
export default fp(
  async function httpTimeouts(app: FastifyInstance) {
    const server = app.server;
    server.requestTimeout = app.config.HTTP_REQUEST_TIMEOUT_MS;
    server.headersTimeout = Math.min(app.config.HTTP_HEADERS_TIMEOUT_MS, app.config.HTTP_REQUEST_TIMEOUT_MS);
    server.keepAliveTimeout = app.config.HTTP_KEEP_ALIVE_TIMEOUT_MS;
    // Read when the server starts listening; Node's default (30 s) would let a timed-out
    // client linger that much longer.
    (server as { connectionsCheckingInterval?: number }).connectionsCheckingInterval = CHECK_INTERVAL_MS;
  },
  { name: 'http-timeouts', dependencies: ['config'] },
);
