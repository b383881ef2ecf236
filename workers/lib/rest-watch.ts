import type { REST, RESTOptions } from 'discord.js';

/** Discord counts these answers against the per-IP invalid-request budget (10,000 per 10 min). */
const INVALID_STATUSES: ReadonlySet<number> = new Set([401, 403, 429]);

type MakeRequest = RESTOptions['makeRequest'];

/** Discord answered 401, 403 or 429 on `route`. */
export type InvalidAnswerHandler = (status: number, route: string) => void;

/**
 * `makeRequest` that reports every answer counting against the invalid-request budget. Seen here
 * rather than through @discordjs/rest's `response` event: that event evaluates
 * `res instanceof Response`, and reading Node's global `Response` loads Node's internal undici,
 * which the worker keeps out of its start-up (node-http-request.ts).
 */
export function reportInvalidAnswers(inner: MakeRequest, invalid: InvalidAnswerHandler): MakeRequest {
  return async (url, init) => {
    const res = await inner(url, init);
    if (INVALID_STATUSES.has(res.status)) invalid(res.status, routeOf(url));
    return res;
  };
}

/** `https://discord.com/api/v10/channels/1234…/messages?x` → `/channels/:id/messages`, as discord.js names routes. */
export function routeOf(url: string): string {
  const path = new URL(url).pathname.replace(/^.*?\/v\d+(?=\/)/, '');
  return path.replaceAll(/\d{17,19}/g, ':id');
}

/** Reports every rate-limit wait: discord.js is about to wait `retryAfterMs` before a request on `route`. */
export function watchRateLimits(rest: REST, rateLimited: (route: string, retryAfterMs: number, global: boolean) => void): void {
  rest.on('rateLimited', (limit) => rateLimited(limit.route, limit.retryAfter, limit.global));
}
