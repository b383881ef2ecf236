import { type REST, RESTEvents } from 'discord.js';

/** Discord counts these answers against the per-IP invalid-request budget (10,000 per 10 min). */
const INVALID_STATUSES: ReadonlySet<number> = new Set([401, 403, 429]);

export interface RestWatchHandlers {
  /** Discord answered 401, 403 or 429 on `route`. */
  invalid(status: number, route: string): void;
  /** discord.js is about to wait `retryAfterMs` before a request on `route`. */
  rateLimited(route: string, retryAfterMs: number, global: boolean): void;
}

/** Reports every answer that counts against the invalid-request budget, and every rate-limit wait. */
export function watchRest(rest: REST, handlers: RestWatchHandlers): void {
  rest.on(RESTEvents.Response, (request, response) => {
    if (INVALID_STATUSES.has(response.status)) handlers.invalid(response.status, request.route);
  });
  rest.on(RESTEvents.RateLimited, (limit) => {
    handlers.rateLimited(limit.route, limit.retryAfter, limit.global);
  });
}
