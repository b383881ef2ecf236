/**
 * Which user owns an account, remembered for the live stream: an owner never changes, so a
 * lookup is made once per account (the first event of an account this node has not seen).
 */
export class OwnerDirectory {
  readonly #owners = new Map<string, string>();

  constructor(
    private readonly lookup: (accountId: string) => Promise<string | undefined>,
    private readonly maxEntries = 100_000,
  ) {}

  /** The owner when known, else a promise of it (undefined: no such account). */
  ownerOf(accountId: string): string | Promise<string | undefined> {
    return this.#owners.get(accountId) ?? this.#load(accountId);
  }

  async #load(accountId: string): Promise<string | undefined> {
    const owner = await this.lookup(accountId);
    if (owner === undefined) return undefined;
    if (this.#owners.size >= this.maxEntries) {
      const oldest = this.#owners.keys().next().value;
      if (oldest !== undefined) this.#owners.delete(oldest);
    }
    this.#owners.set(accountId, owner);
    return owner;
  }
}
