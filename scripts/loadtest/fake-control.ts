import type { BotRecord, FakeStats, MessageRecord } from '../../fake-discord/records.js';
import type { PresenceBody } from './change-plan.js';
import { JsonClient } from './json-client.js';

// The records the control API answers with are the fake's own types.
export type { FakeStats } from '../../fake-discord/records.js';
export type FakeBot = Pick<BotRecord, 'id' | 'token' | 'username'>;
export type FakeMessage = MessageRecord;

/** The fake Discord's control API over HTTP (docs/fake-discord.md), as the harness uses it. */
export class FakeControl {
  readonly #http: JsonClient;

  constructor(readonly url: string) {
    // Presence changes go one per account at a time; 32 sockets cover ~1,000 changes/s.
    this.#http = new JsonClient(url, { maxSockets: 32, timeoutMs: 15_000 });
  }

  /** REST base for DISCORD_API_URL. */
  get apiUrl(): string {
    return `${this.url}/api`;
  }

  createBot(username: string): Promise<FakeBot> {
    return this.#http.json('POST', '/_fake/bots', { username });
  }

  createUser(username: string): Promise<{ id: string }> {
    return this.#http.json('POST', '/_fake/users', { username });
  }

  createGuild(name: string, botIds: string[], userIds: string[]): Promise<{ id: string; channelId: string }> {
    return this.#http.json('POST', '/_fake/guilds', { name, botIds, userIds });
  }

  setPresence(userId: string, presence: PresenceBody): Promise<{ deliveredTo: number }> {
    return this.#http.json('PUT', `/_fake/users/${userId}/presence`, presence);
  }

  messages(): Promise<FakeMessage[]> {
    return this.#http.json('GET', '/_fake/messages');
  }

  /** A network drop (no close code): the client resumes and the fake replays what it missed. */
  disconnect(botId: string): Promise<{ closed: number }> {
    return this.#http.json('POST', `/_fake/bots/${botId}/disconnect`, {});
  }

  injectRateLimit(botId: string, count: number, retryAfterSeconds: number): Promise<{ ok: true }> {
    return this.#http.json('POST', '/_fake/ratelimit', { botId, count, retryAfter: retryAfterSeconds });
  }

  stats(): Promise<FakeStats> {
    return this.#http.json('GET', '/_fake/stats');
  }

  close(): void {
    this.#http.close();
  }
}
