import type { AccountBody, ActivityEntryBody, ContentEntryBody } from '../lib/api-client.js';
import { JsonClient, type JsonResponse } from './json-client.js';

// Answer types come from the routes' own schemas, as in scripts/lib/api-client.ts.
export type ApiAccount = AccountBody;
export type ApiActivity = ActivityEntryBody;
export type ApiContent = ContentEntryBody;

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const PAGE_LIMIT = 100;

/**
 * The server's REST API as one user of it, over keep-alive HTTP. With several nodes, each call
 * goes to the next node that is up (any node serves the whole API; one JWT is good on all).
 */
export class FleetApiClient {
  readonly #nodes: () => readonly string[];
  readonly #clients = new Map<string, JsonClient>();
  #next = 0;
  #authorization = '';

  /** @param nodes a base URL, or the base URLs of the nodes that are up right now */
  constructor(nodes: string | (() => readonly string[])) {
    this.#nodes = typeof nodes === 'string' ? () => [nodes] : nodes;
  }

  get #http(): JsonClient {
    const urls = this.#nodes();
    if (urls.length === 0) throw new Error('no server node is up');
    const url = urls[this.#next++ % urls.length] as string;
    let client = this.#clients.get(url);
    if (!client) {
      client = new JsonClient(url, { maxSockets: 16, timeoutMs: 60_000 });
      this.#clients.set(url, client);
    }
    return client;
  }

  /** Registers (first run) and logs in; later calls carry the token. */
  async signIn(email: string, password: string): Promise<void> {
    const registered = await this.#http.send('POST', '/api/auth/register', { email, password });
    if (registered.status !== 201 && registered.status !== 409) {
      throw new Error(`register → ${registered.status} ${JSON.stringify(registered.body)}`);
    }
    const { accessToken } = await this.#http.json<{ accessToken: string }>('POST', '/api/auth/login', { email, password });
    this.#authorization = `Bearer ${accessToken}`;
  }

  createAccount(body: object): Promise<ApiAccount> {
    return this.#call('POST', '/api/accounts', body);
  }

  addFriend(accountId: string, discordUserId: string, displayName: string): Promise<{ id: string }> {
    return this.#call('POST', `/api/accounts/${accountId}/friends`, { discordUserId, displayName });
  }

  start(accountId: string): Promise<ApiAccount> {
    return this.#call('POST', `/api/accounts/${accountId}/start`);
  }

  account(accountId: string): Promise<ApiAccount> {
    return this.#call('GET', `/api/accounts/${accountId}`);
  }

  /** Every account of the user, all pages. */
  accounts(): Promise<ApiAccount[]> {
    return this.#allPages<ApiAccount>('/api/accounts');
  }

  /** Every ActivityHistory entry of one account, all pages. */
  activity(accountId: string): Promise<ApiActivity[]> {
    return this.#allPages<ApiActivity>(`/api/accounts/${accountId}/activity`);
  }

  /** Every ContentHistory entry of one account, all pages. */
  contentHistory(accountId: string): Promise<ApiContent[]> {
    return this.#allPages<ApiContent>(`/api/accounts/${accountId}/content-history`);
  }

  /** One authenticated GET, any status: the read load times these. */
  get(path: string): Promise<JsonResponse<unknown>> {
    return this.#http.send('GET', path, undefined, { authorization: this.#authorization });
  }

  close(): void {
    for (const client of this.#clients.values()) client.close();
    this.#clients.clear();
  }

  #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.#http.json<T>(method, path, body, { authorization: this.#authorization });
  }

  async #allPages<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=${PAGE_LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: Page<T> = await this.#call<Page<T>>('GET', `${path}${query}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }
}
