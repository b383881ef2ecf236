import { type Client, GatewayOpcodes, Routes } from 'discord.js';

/** `op 8` accepts at most 100 user ids per request. */
const MEMBER_REQUEST_MAX_IDS = 100;
/** `GET /users/@me/guilds` returns at most this many per page. */
const GUILD_PAGE_SIZE = 200;
/** A member request the gateway does not answer is given up after this long. */
export const MEMBER_REQUEST_TIMEOUT_MS = 15_000;

const chunk = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * The guilds the bot is in, read from the raw dispatches (READY, GUILD_CREATE, GUILD_DELETE)
 * rather than discord.js's cache, which a process that resumed a session never fills: that one
 * loads the list by REST instead.
 */
export class GuildIds {
  readonly #ids = new Set<string>();
  /** Member requests in flight, by nonce: called with the last chunk of the answer. */
  readonly #pending = new Map<string, () => void>();
  #nonce = 0;
  /** The REST load in progress, if any: member requests wait for it. */
  #loading: Promise<void> = Promise.resolve();

  get size(): number {
    return this.#ids.size;
  }

  /** Updates the list from a dispatch; other dispatches are ignored. */
  onDispatch(t: unknown, d: unknown): void {
    if (t === 'READY') {
      for (const guild of (d as { guilds?: Array<{ id?: unknown }> }).guilds ?? []) this.#add(guild?.id);
    } else if (t === 'GUILD_CREATE') {
      this.#add((d as { id?: unknown }).id);
    } else if (t === 'GUILD_MEMBERS_CHUNK') {
      const { nonce, chunk_index: index, chunk_count: count } = d as { nonce?: unknown; chunk_index?: unknown; chunk_count?: unknown };
      const lastChunk = typeof index !== 'number' || typeof count !== 'number' || index >= count - 1;
      if (typeof nonce === 'string' && lastChunk) this.#pending.get(nonce)?.();
    } else if (t === 'GUILD_DELETE') {
      const { id, unavailable } = d as { id?: unknown; unavailable?: unknown };
      // An outage makes a guild unavailable; only a real leave removes it.
      if (typeof id === 'string' && unavailable !== true) this.#ids.delete(id);
    }
  }

  /** Loads the whole list by REST (after a resume, which replays no READY). */
  load(client: Client): Promise<void> {
    this.#loading = this.#fetchAll(client);
    return this.#loading;
  }

  async #fetchAll(client: Client): Promise<void> {
    let after: string | undefined;
    for (;;) {
      const query = new URLSearchParams({ limit: String(GUILD_PAGE_SIZE), ...(after && { after }) });
      const page = (await client.rest.get(Routes.userGuilds(), { query })) as Array<{ id: string }>;
      for (const guild of page) this.#add(guild.id);
      if (page.length < GUILD_PAGE_SIZE) return;
      after = page.at(-1)?.id;
    }
  }

  /**
   * Asks every guild for these users' members with presences (gateway `op 8`). The answers
   * arrive as `GUILD_MEMBERS_CHUNK` dispatches, read like any other; resolves with how many
   * requests were answered once each was (or given up).
   */
  async requestPresences(client: Client, userIds: string[]): Promise<number> {
    await this.#loading.catch(() => {});
    const shard = client.ws.shards.get(0);
    if (!shard) return 0;
    const answers: Array<Promise<boolean>> = [];
    for (const guildId of this.#ids) {
      for (const ids of chunk(userIds, MEMBER_REQUEST_MAX_IDS)) {
        const nonce = `friends-${++this.#nonce}`;
        answers.push(this.#answerTo(nonce));
        shard.send({ op: GatewayOpcodes.RequestGuildMembers, d: { guild_id: guildId, user_ids: ids, presences: true, nonce } });
      }
    }
    return (await Promise.all(answers)).filter(Boolean).length;
  }

  /** Whether the request `nonce` was answered in time. */
  #answerTo(nonce: string): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(false), MEMBER_REQUEST_TIMEOUT_MS);
      const settle = (answered: boolean) => {
        clearTimeout(timer);
        this.#pending.delete(nonce);
        resolve(answered);
      };
      this.#pending.set(nonce, () => settle(true));
    });
  }

  #add(id: unknown): void {
    if (typeof id === 'string') this.#ids.add(id);
  }
}
