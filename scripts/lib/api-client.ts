/**
 * A tiny typed client for the server's HTTP API, for scripts. Request and answer types come from
 * the same TypeBox schemas the routes validate with, so a changed route breaks the type-check.
 */
import type { Static } from 'typebox';
import type { Account } from '../../src/api/accounts/schemas.js';
import type { CreateAccountInput } from '../../src/domain/account.js';
import type { AccessToken, User } from '../../src/api/auth/schemas.js';
import type { CreateFriend, Friend } from '../../src/api/friends/schemas.js';
import type { ActivityPage, ActivityQuery, ContentPage, ContentQuery } from '../../src/api/history/schemas.js';

export type AccountBody = Static<typeof Account>;
export type CreateAccountBody = CreateAccountInput;
export type FriendBody = Static<typeof Friend>;
export type CreateFriendBody = Static<typeof CreateFriend>;
export type ActivityEntryBody = Static<typeof ActivityPage>['items'][number];
export type ContentEntryBody = Static<typeof ContentPage>['items'][number];
export type ActivityQueryInput = Partial<Static<typeof ActivityQuery>>;
export type ContentQueryInput = Partial<Static<typeof ContentQuery>>;

/** An answer of 400 or more, with the API's error body. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(`${method} ${path} → ${status}${code ? ` ${code}` : ''}: ${message}`);
  }
}

export interface ApiClientOptions {
  /** e.g. `http://127.0.0.1:3000` (no `/api`). */
  baseUrl: string;
  /** How often a 429 is retried after its `retry-after`. @defaultValue 3 */
  rateLimitRetries?: number;
}

type Query = Record<string, string | number | undefined>;

export class ApiClient {
  readonly #baseUrl: string;
  readonly #retries: number;
  #token: string | undefined;

  constructor(options: ApiClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#retries = options.rateLimitRetries ?? 3;
  }

  register(email: string, password: string): Promise<Static<typeof User>> {
    return this.#request('POST', '/api/auth/register', { body: { email, password } });
  }

  /** Logs in and sends the access token with every later request. */
  async login(email: string, password: string): Promise<Static<typeof AccessToken>> {
    const answer = await this.#request<Static<typeof AccessToken>>('POST', '/api/auth/login', {
      body: { email, password },
    });
    this.#token = answer.accessToken;
    return answer;
  }

  createAccount(body: CreateAccountBody): Promise<AccountBody> {
    return this.#request('POST', '/api/accounts', { body });
  }

  getAccount(id: string): Promise<AccountBody> {
    return this.#request('GET', `/api/accounts/${id}`);
  }

  startAccount(id: string): Promise<AccountBody> {
    return this.#request('POST', `/api/accounts/${id}/start`);
  }

  stopAccount(id: string): Promise<AccountBody> {
    return this.#request('POST', `/api/accounts/${id}/stop`);
  }

  createFriend(accountId: string, body: CreateFriendBody): Promise<FriendBody> {
    return this.#request('POST', `/api/accounts/${accountId}/friends`, { body });
  }

  activity(accountId: string, query: ActivityQueryInput = {}): Promise<Static<typeof ActivityPage>> {
    return this.#request('GET', `/api/accounts/${accountId}/activity`, { query });
  }

  contentHistory(accountId: string, query: ContentQueryInput = {}): Promise<Static<typeof ContentPage>> {
    return this.#request('GET', `/api/accounts/${accountId}/content-history`, { query });
  }

  async #request<T>(method: string, path: string, opts: { body?: object; query?: Query } = {}): Promise<T> {
    const url = new URL(path, this.#baseUrl);
    for (const [key, value] of Object.entries(opts.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(url, {
        method,
        headers: {
          ...(opts.body ? { 'content-type': 'application/json' } : {}),
          ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}),
        },
        ...(opts.body ? { body: JSON.stringify(opts.body) } : {}),
      });
      const text = await res.text();
      if (res.status === 429 && attempt < this.#retries) {
        const seconds = Number(res.headers.get('retry-after') ?? 1);
        await new Promise((r) => setTimeout(r, Math.max(seconds, 0.1) * 1000));
        continue;
      }
      const body = text ? (JSON.parse(text) as unknown) : undefined;
      if (res.status >= 400) {
        const err = (body ?? {}) as { code?: string; message?: string };
        throw new ApiError(method, path, res.status, err.code, err.message ?? text);
      }
      return body as T;
    }
  }
}
