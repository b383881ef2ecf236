import type { AnswerMessage, FriendVisibility, GuildSummary, MemberSummary, WorkerQuery } from '../ipc/index.js';
import { AppError, BadRequestError, NotFoundError } from './errors.js';

/** What the service needs of the supervisor and of the metrics. */
export interface DiscoveryDeps {
  query(accountId: string, query: WorkerQuery): Promise<AnswerMessage>;
  isReady(accountId: string): boolean;
  /** Told the IPC round trip of each query, in seconds. */
  observe?: (kind: WorkerQuery['kind'], seconds: number) => void;
}

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

/** How long answers are reused: discovery lists change slowly; visibility feeds every friend view. */
const LIST_TTL_MS = 30_000;
const VISIBILITY_TTL_MS = 2_000;
const MAX_ENTRIES = 10_000;

/** An opaque page cursor: the offset of the next item. */
const encodeOffset = (n: number) => Buffer.from(String(n)).toString('base64url');
function decodeOffset(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const n = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(n) || n < 0) throw new BadRequestError('INVALID_CURSOR', 'cursor is not valid');
  return n;
}

function page<T>(items: T[], limit: number, cursor: string | undefined): { items: T[]; nextCursor: string | null } {
  const from = decodeOffset(cursor);
  const slice = items.slice(from, from + limit);
  return { items: slice, nextCursor: from + limit < items.length ? encodeOffset(from + limit) : null };
}

/**
 * What an account's bot can reach, asked of its worker over IPC and cached briefly: its servers,
 * a server's members (so users pick friends instead of pasting ids) and which friends it sees.
 * Ownership is checked by the caller.
 */
export class DiscoveryService {
  readonly #cache = new Map<string, Cached<unknown>>();

  constructor(private readonly deps: DiscoveryDeps) {}

  async guilds(accountId: string, limit: number, cursor?: string) {
    const all = await this.#ask<GuildSummary[]>(`g:${accountId}`, LIST_TTL_MS, accountId, { kind: 'guilds' }, (a) => a.guilds);
    return page(all, limit, cursor);
  }

  /** Up to 100 members matching `query`, paged; 404 when the bot is not in that server. */
  async members(accountId: string, guildId: string, query: string, limit: number, cursor?: string) {
    const key = `m:${accountId}:${guildId}:${query.toLowerCase()}`;
    const all = await this.#ask<MemberSummary[]>(key, LIST_TTL_MS, accountId, { kind: 'members', guildId, query, limit: 100 }, (a) => a.members);
    return page(all, limit, cursor);
  }

  /** Each watched friend's visibility, or undefined while the worker is not ready. */
  async visibility(accountId: string): Promise<Map<string, FriendVisibility> | undefined> {
    if (!this.deps.isReady(accountId)) return undefined;
    try {
      const friends = await this.#ask<Record<string, FriendVisibility>>(`f:${accountId}`, VISIBILITY_TTL_MS, accountId, { kind: 'friends' }, (a) => a.friends);
      return new Map(Object.entries(friends));
    } catch {
      // A friend view still answers without it.
      return undefined;
    }
  }

  /** Forgets cached answers of an account (its friends or servers changed). */
  invalidate(accountId: string): void {
    for (const key of this.#cache.keys()) if (key.includes(`:${accountId}`)) this.#cache.delete(key);
  }

  #ask<T>(key: string, ttlMs: number, accountId: string, query: WorkerQuery, pick: (a: AnswerMessage) => T | undefined): Promise<T> {
    const hit = this.#cache.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value as Promise<T>;
    const started = performance.now();
    const value = this.deps.query(accountId, query).then((answer) => {
      this.deps.observe?.(query.kind, (performance.now() - started) / 1000);
      if (answer.error?.code === 'UNKNOWN_GUILD') throw new NotFoundError('Guild');
      const picked = pick(answer);
      if (answer.error || picked === undefined) {
        throw new AppError(503, 'WORKER_QUERY_FAILED', `The worker could not answer: ${answer.error?.message ?? 'no answer'}`);
      }
      return picked;
    });
    if (this.#cache.size >= MAX_ENTRIES) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(key, { at: Date.now(), value });
    value.catch(() => this.#cache.delete(key));
    return value;
  }
}
