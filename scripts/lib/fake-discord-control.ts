/**
 * The fake Discord's control API (`/_fake/...`, docs/fake-discord.md) over HTTP, for scripts that
 * run the fake as a separate process. Types are the in-process class's (`ControlTarget`).
 */
import type { ControlTarget } from '../../fake-discord/control/routes.js';
import type { FakeStats, MessageFilter, MessageRecord, PresenceInput } from '../../fake-discord/records.js';

type Returned<K extends keyof ControlTarget> = ReturnType<ControlTarget[K]>;

export class FakeDiscordControl {
  readonly #base: string;

  /** `url` is the fake's root, e.g. `http://127.0.0.1:4100`. */
  constructor(url: string) {
    this.#base = `${url.replace(/\/+$/, '')}/_fake`;
  }

  createBot(body: Parameters<ControlTarget['createBot']>[0] = {}): Promise<Returned<'createBot'>> {
    return this.#call('POST', '/bots', body);
  }

  createUser(username: string): Promise<Returned<'createUser'>> {
    return this.#call('POST', '/users', { username });
  }

  createGuild(body: Parameters<ControlTarget['createGuild']>[0]): Promise<Returned<'createGuild'>> {
    return this.#call('POST', '/guilds', body);
  }

  setPresence(userId: string, presence: PresenceInput): Promise<Returned<'setPresence'>> {
    return this.#call('PUT', `/users/${userId}/presence`, presence);
  }

  messages(filter: MessageFilter = {}): Promise<MessageRecord[]> {
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined));
    return this.#call('GET', `/messages${query.size > 0 ? `?${query}` : ''}`);
  }

  stats(): Promise<FakeStats> {
    return this.#call('GET', '/stats');
  }

  async #call<T>(method: string, path: string, body?: object): Promise<T> {
    const res = await fetch(`${this.#base}${path}`, {
      method,
      ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`fake Discord ${method} ${path} → ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }
}
