/**
 * Each owner's accounts, kept in memory for a few seconds: the API's most frequent reads (the
 * account list, and the ownership check every nested route makes) then cost no database round
 * trip. Every write through AccountService invalidates the owner's entry, so this node always
 * reads its own writes; the TTL bounds how stale a write made elsewhere (another node, a direct
 * database edit) can look.
 */
export interface AccountCacheOptions {
  /** @defaultValue 5000 */
  ttlMs?: number;
  /** Owners kept; the oldest entry goes first. @defaultValue 10000 */
  maxOwners?: number;
  /** Owners with more accounts than this are not cached (paged from the database). @defaultValue 500 */
  maxAccountsPerOwner?: number;
}

const DEFAULTS = { ttlMs: 5_000, maxOwners: 10_000, maxAccountsPerOwner: 500 } as const;

interface Entry<T> {
  loadedAt: number;
  rows: Promise<T[] | undefined>;
}

export class AccountCache<T extends { _id: { toHexString(): string } }> {
  readonly #opts: Required<AccountCacheOptions>;
  readonly #byOwner = new Map<string, Entry<T>>();
  readonly #ownerOf = new Map<string, string>();

  constructor(
    private readonly load: (ownerId: string, max: number) => Promise<T[]>,
    options: AccountCacheOptions = {},
  ) {
    this.#opts = { ...DEFAULTS, ...options };
  }

  /** The owner's accounts, newest first; undefined when the owner has too many to cache. */
  get(ownerId: string): Promise<T[] | undefined> {
    const entry = this.#byOwner.get(ownerId);
    if (entry && Date.now() - entry.loadedAt < this.#opts.ttlMs) return entry.rows;
    const rows = this.#load(ownerId);
    this.#byOwner.delete(ownerId);
    this.#byOwner.set(ownerId, { loadedAt: Date.now(), rows });
    if (this.#byOwner.size > this.#opts.maxOwners) {
      const oldest = this.#byOwner.keys().next().value;
      if (oldest !== undefined) this.invalidateOwner(oldest);
    }
    return rows;
  }

  invalidateOwner(ownerId: string): void {
    this.#byOwner.delete(ownerId);
  }

  invalidateAccount(accountId: string): void {
    const owner = this.#ownerOf.get(accountId);
    if (owner !== undefined) this.invalidateOwner(owner);
  }

  async #load(ownerId: string): Promise<T[] | undefined> {
    const max = this.#opts.maxAccountsPerOwner;
    try {
      const rows = await this.load(ownerId, max + 1);
      for (const row of rows) this.#ownerOf.set(row._id.toHexString(), ownerId);
      return rows.length > max ? undefined : rows;
    } catch (err) {
      this.invalidateOwner(ownerId);
      throw err;
    }
  }
}
