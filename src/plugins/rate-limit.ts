import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { FailureCounter } from '../utils/failure-counter.js';

const WINDOW_MS = 60_000;

/** Login and register share one budget per IP: an attacker cannot alternate between them. */
const isAuthRoute = (request: FastifyRequest) => request.routeOptions.config?.authRoute === true;

/**
 * Who a request counts against. It runs after the routes' own `onRequest` hooks (authentication),
 * so an authenticated caller is known by the verified user id — not by its token's text, which
 * has spare bits (a JWT's last base64url character can be spelt four ways).
 */
function keyOf(request: FastifyRequest): string {
  if (isAuthRoute(request)) return `auth:${request.ip}`;
  const sub = (request as { user?: { sub?: string } }).user?.sub;
  return sub ? `u:${sub}` : `ip:${request.ip}`;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Counts against the shared login/register budget (AUTH_RATE_LIMIT_MAX per IP). */
    authRoute?: boolean;
  }
}

const tooMany = (after: string) => ({
  statusCode: 429,
  error: 'Too Many Requests',
  message: `Rate limit exceeded, retry in ${after}`,
  code: 'RATE_LIMITED',
});

/**
 * Per minute: RATE_LIMIT_MAX requests per user (or per IP before authentication),
 * AUTH_RATE_LIMIT_MAX login + register attempts per IP, and AUTH_FAILURES_MAX failed
 * authentications (401 answers, any route) per IP — past that the IP gets 429 everywhere until
 * the minute is over. Answers 429 with `retry-after` in the common error shape.
 */
export default fp(
  async function limits(app: FastifyInstance) {
    const { RATE_LIMIT_MAX, AUTH_RATE_LIMIT_MAX, AUTH_FAILURES_MAX } = app.config;
    const failures = new FailureCounter(WINDOW_MS);
    app.addHook('onRequest', async (request, reply) => {
      const retryInMs = failures.blockedFor(request.ip, AUTH_FAILURES_MAX);
      if (retryInMs > 0) {
        const seconds = Math.ceil(retryInMs / 1000);
        return reply.status(429).header('retry-after', String(seconds)).send(tooMany(`${seconds} seconds`));
      }
    });
    app.addHook('onResponse', async (request, reply) => {
      if (reply.statusCode === 401) failures.add(request.ip);
    });
    await app.register(rateLimit, {
      global: true,
      hook: 'preParsing',
      max: (request) => (isAuthRoute(request) ? AUTH_RATE_LIMIT_MAX : RATE_LIMIT_MAX),
      timeWindow: WINDOW_MS,
      keyGenerator: keyOf,
      errorResponseBuilder: (_request, context) => tooMany(context.after),
    });
  },
  { name: 'rate-limit', dependencies: ['config'] },
);
