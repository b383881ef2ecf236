import { FakeDiscordError } from './errors.js';

/** What `injectRateLimit` takes. */
export interface RateLimitInjection {
  /** Only this bot's calls; all bots when absent. */
  botId?: string;
  /**
   * Only calls to this route: a template such as `/channels/:id/messages` (any `:param` name),
   * a literal path such as `/users/@me/channels`, either optionally prefixed with a method
   * (`POST /channels/:id/messages`). Paths are relative to `/api/v10`. All routes when absent.
   */
  route?: string;
  /** How many matching calls answer 429. */
  count: number;
  /** Seconds, sent as `Retry-After` and `X-RateLimit-Reset-After`. */
  retryAfter: number;
}

/** A REST call as the matcher sees it. */
export interface RestCall {
  botId: string;
  method: string;
  /** Path after `/api/v10`, without the query string. */
  path: string;
  /** The route template after `/api/v10`, e.g. `/channels/:channelId/messages`. */
  template: string;
}

interface PendingLimit {
  botId: string | undefined;
  method: string | undefined;
  route: string | undefined;
  remaining: number;
  retryAfter: number;
}

/** Queue of injected 429s; each matching call consumes one, oldest injection first. */
export class RateLimitInjector {
  #pending: PendingLimit[] = [];

  inject(injection: RateLimitInjection): void {
    const { count, retryAfter } = injection;
    if (!Number.isInteger(count) || count < 1) {
      throw new FakeDiscordError('INVALID_ARGUMENT', 'count must be a positive integer');
    }
    if (typeof retryAfter !== 'number' || !Number.isFinite(retryAfter) || retryAfter < 0) {
      throw new FakeDiscordError('INVALID_ARGUMENT', 'retryAfter must be a number of seconds ≥ 0');
    }
    const { method, route } = splitRoute(injection.route);
    this.#pending.push({ botId: injection.botId, method, route, remaining: count, retryAfter });
  }

  /** The Retry-After (seconds) to answer this call with, or null to serve it normally. */
  take(call: RestCall): number | null {
    const index = this.#pending.findIndex((limit) => matches(limit, call));
    const limit = this.#pending[index];
    if (!limit) return null;
    limit.remaining -= 1;
    if (limit.remaining === 0) this.#pending.splice(index, 1);
    return limit.retryAfter;
  }

  clear(): void {
    this.#pending = [];
  }
}

/** `/channels/:channelId/messages` and `/channels/:id/messages` compare equal. */
export function normalizeTemplate(path: string): string {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.replace(/:[A-Za-z_][A-Za-z0-9_]*/g, ':id');
}

function splitRoute(route: string | undefined): { method: string | undefined; route: string | undefined } {
  if (route === undefined) return { method: undefined, route: undefined };
  const match = /^([A-Za-z]+)\s+(\S+)$/.exec(route.trim());
  if (match?.[1] && match[2]) return { method: match[1].toUpperCase(), route: normalizeTemplate(match[2]) };
  return { method: undefined, route: normalizeTemplate(route.trim()) };
}

function matches(limit: PendingLimit, call: RestCall): boolean {
  if (limit.botId !== undefined && limit.botId !== call.botId) return false;
  if (limit.method !== undefined && limit.method !== call.method.toUpperCase()) return false;
  if (limit.route === undefined) return true;
  return limit.route === normalizeTemplate(call.template) || limit.route === normalizeTemplate(call.path);
}
