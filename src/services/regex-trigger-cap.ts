import type { Types } from 'mongoose';
import type { Models } from '../models/index.js';
import { ConflictError } from './errors.js';
import type { Slot, SlotCounter } from './slot-counter.js';

/**
 * Regex triggers one account may hold over all its rules (its default rules and every friend's):
 * each is tried against every presence change of the account, so the per-rule cap alone would
 * let one account multiply the matching work by its number of friends.
 */
export const MAX_REGEX_TRIGGERS_PER_ACCOUNT = 20;

/** Tries of a rule write whose rules another request changed first. */
const WRITE_TRIES = 10;

interface RuleLike {
  triggers?: Array<{ name?: { match?: string } | null } | null> | null;
}

/** Regex triggers in one stored or submitted rule (anything else counts 0). */
export function regexTriggerCount(rule: unknown): number {
  const triggers = (rule as RuleLike | null | undefined)?.triggers;
  return Array.isArray(triggers) ? triggers.filter((t) => t?.name?.match === 'regex').length : 0;
}

/**
 * Holds `MAX_REGEX_TRIGGERS_PER_ACCOUNT` across nodes and parallel writes with a per-account
 * counter (`SlotCounter`, key `regex:<accountId>`): a write reserves the regex triggers it adds
 * before writing, and applies only if the rules it replaces are still the ones it counted (a
 * compare-and-set in the write's filter), so each write moves the counter by exactly what it
 * changed in the database.
 */
export class RegexTriggerCap {
  constructor(
    private readonly models: Pick<Models, 'DiscordAccount' | 'Friend'>,
    private readonly counter: SlotCounter,
  ) {}

  #key(accountId: Types.ObjectId): string {
    return `regex:${accountId.toHexString()}`;
  }

  /** The account's regex triggers as stored. */
  async #recount(accountId: Types.ObjectId): Promise<number> {
    const [account, friends] = await Promise.all([
      this.models.DiscordAccount.findById(accountId, { 'settings.defaultRules': 1 }).lean(),
      this.models.Friend.find({ accountId, 'rules.triggers.name.match': 'regex' }, { rules: 1 }).lean(),
    ]);
    return regexTriggerCount(account?.settings?.defaultRules) + friends.reduce((sum, f) => sum + regexTriggerCount(f.rules), 0);
  }

  /**
   * Replaces rules of the account (its default rules or one friend's) by `after`. `read` gives
   * the stored rules (`before`; it throws when the owner of the rules is gone); `write` must
   * apply only while the stored rules still equal `before`, and resolve null otherwise: the
   * whole is then tried again from `read`. Throws 409 REGEX_TRIGGER_LIMIT_REACHED when the
   * account would hold more than the cap; a write adding none passes.
   */
  async replace<T>(
    accountId: Types.ObjectId,
    after: unknown,
    read: () => Promise<unknown>,
    write: (before: unknown) => Promise<T | null>,
  ): Promise<T> {
    for (let tries = 0; tries < WRITE_TRIES; tries += 1) {
      const before = await read();
      const written = await this.#replaceOnce(accountId, before, after, () => write(before));
      if (written !== null) return written;
    }
    throw new ConflictError('RULES_CHANGED', 'The rules kept changing through other requests; try again');
  }

  async #replaceOnce<T>(accountId: Types.ObjectId, before: unknown, after: unknown, write: () => Promise<T | null>): Promise<T | null> {
    const delta = regexTriggerCount(after) - regexTriggerCount(before);
    if (delta === 0) return write();
    const key = this.#key(accountId);
    const slot =
      delta > 0
        ? await this.counter.take(key, delta, MAX_REGEX_TRIGGERS_PER_ACCOUNT, () => this.#recount(accountId))
        : await this.counter.current(key); // read before the write, for its release
    if (delta > 0 && !slot) {
      const total = (await this.#recount(accountId)) + delta;
      throw new ConflictError(
        'REGEX_TRIGGER_LIMIT_REACHED',
        `The account would have ${total} regex triggers over its rules; at most ${MAX_REGEX_TRIGGERS_PER_ACCOUNT} per account`,
      );
    }
    let written: T | null;
    try {
      written = await write();
    } catch (err) {
      if (delta > 0) await this.counter.release(key, delta, slot);
      throw err;
    }
    // A write that did not apply gives back what it reserved; one that removed triggers, those.
    if (written === null ? delta > 0 : delta < 0) await this.counter.release(key, Math.abs(delta), slot);
    return written;
  }

  /** Read before deleting rules without a compare-and-set (a friend deleted): what `removed` needs. */
  async beforeRemove(accountId: Types.ObjectId): Promise<Slot | null> {
    return this.counter.current(this.#key(accountId));
  }

  /** Rules holding `rules`' regex triggers were deleted. */
  async removed(accountId: Types.ObjectId, rules: unknown, slot: Slot | null): Promise<void> {
    await this.counter.release(this.#key(accountId), regexTriggerCount(rules), slot);
  }

  /** The account is gone: so is its counter. */
  async dropAccount(accountId: Types.ObjectId): Promise<void> {
    await this.counter.drop(this.#key(accountId));
  }
}
