/**
 * The fake Discord's control API (`/_fake/...`, docs/fake-discord.md) over HTTP, with the same
 * verbs and types as the in-process `FakeDiscord` class. For scripts that run the fake as a
 * separate process: the demo and the load harness.
 */
import type { ControlTarget } from './control/routes.js';

/** Sends one control call and resolves with its parsed JSON answer; rejects on a non-2xx. */
export type ControlTransport = (method: string, path: string, body?: object) => Promise<unknown>;

type Args<K extends keyof ControlTarget> = Parameters<ControlTarget[K]>;
type Answer<K extends keyof ControlTarget> = Promise<ReturnType<ControlTarget[K]>>;

/** One `fetch` per call: enough for set-up and a demo's few changes a second. */
function fetchTransport(base: string): ControlTransport {
  return async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`fake Discord ${method} ${path} → ${res.status}: ${text}`);
    return JSON.parse(text) as unknown;
  };
}

export class FakeDiscordClient {
  readonly #send: ControlTransport;

  /**
   * @param url the fake's root, e.g. `http://127.0.0.1:4100`
   * @param transport how calls are sent (paths start at `/_fake`). @defaultValue one `fetch` per call
   */
  constructor(
    readonly url: string,
    transport?: ControlTransport,
  ) {
    this.url = url.replace(/\/+$/, '');
    this.#send = transport ?? fetchTransport(this.url);
  }

  /** REST base for DISCORD_API_URL. */
  get apiUrl(): string {
    return `${this.url}/api`;
  }

  createBot(...[opts = {}]: Args<'createBot'>): Answer<'createBot'> {
    return this.#call('POST', '/bots', opts);
  }

  createUser(...[opts]: Args<'createUser'>): Answer<'createUser'> {
    return this.#call('POST', '/users', opts);
  }

  createGuild(...[opts]: Args<'createGuild'>): Answer<'createGuild'> {
    return this.#call('POST', '/guilds', opts);
  }

  setPresence(...[userId, presence]: Args<'setPresence'>): Answer<'setPresence'> {
    return this.#call('PUT', `/users/${userId}/presence`, presence);
  }

  messages(...[filter = {}]: Args<'messages'>): Answer<'messages'> {
    const query = new URLSearchParams(
      Object.entries(filter).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    return this.#call('GET', `/messages${query.size > 0 ? `?${query.toString()}` : ''}`);
  }

  /** Without a code: a network drop, so the client resumes and the fake replays what it missed. */
  disconnectBot(...[botId, code]: Args<'disconnectBot'>): Answer<'disconnectBot'> {
    return this.#call('POST', `/bots/${botId}/disconnect`, code === undefined ? {} : { code });
  }

  async setHeartbeatAck(...[botId, ack]: Args<'setHeartbeatAck'>): Promise<void> {
    await this.#call('POST', `/bots/${botId}/heartbeats`, { ack });
  }

  async injectRateLimit(...[opts]: Args<'injectRateLimit'>): Promise<void> {
    await this.#call('POST', '/ratelimit', opts);
  }

  stats(): Answer<'stats'> {
    return this.#call('GET', '/stats');
  }

  async reset(): Promise<void> {
    await this.#call('POST', '/reset', {});
  }

  #call<T>(method: string, path: string, body?: object): Promise<T> {
    return this.#send(method, `/_fake${path}`, body) as Promise<T>;
  }
}
