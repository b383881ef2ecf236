import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** Authenticated callers are limited per token, anonymous ones per IP. */
function keyOf(request: FastifyRequest): string {
  const auth = request.headers.authorization;
  return auth ? `t:${createHash('sha256').update(auth).digest('base64url').slice(0, 22)}` : `ip:${request.ip}`;
}

/**
 * A global per-minute limit; auth routes set a stricter one on their own (`config.rateLimit`).
 * Answers 429 with `retry-after` in the common error shape.
 */
export default fp(
  async function limits(app: FastifyInstance) {
    await app.register(rateLimit, {
      global: true,
      max: app.config.RATE_LIMIT_MAX,
      timeWindow: 60_000,
      keyGenerator: keyOf,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        error: 'Too Many Requests',
        message: `Rate limit exceeded, retry in ${context.after}`,
        code: 'RATE_LIMITED',
      }),
    });
  },
  { name: 'rate-limit', dependencies: ['config'] },
);
