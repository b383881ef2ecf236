import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Authenticated callers are limited per token, anonymous ones per IP. A bearer JWT's signature
 * (its last 43 characters) identifies it without hashing the whole header on every request.
 */
function keyOf(request: FastifyRequest): string {
  const auth = request.headers.authorization;
  if (!auth) return `ip:${request.ip}`;
  return auth.length > 64 ? `t:${auth.slice(-43)}` : `t:${createHash('sha256').update(auth).digest('base64url')}`;
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
