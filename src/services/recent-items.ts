import type { Types } from 'mongoose';
import type { Models } from '../models/index.js';
import { LoadCache } from '../utils/load-once.js';

/** Items remembered per friend; a friend sent more within the window is partly asked of the database. */
const DEFAULT_MAX_PER_FRIEND = 256;

export interface RecentItemsOptions {
  model: Models['ContentHistory'];
  /** The no-repeat window. */
  windowMs: number;
  now: () => number;
  /** @defaultValue 256 */
  maxPerFriend?: number;
}

/** Whether an item was sent to the friend within the window (a promise when the database must be asked). */
export type IsRecent = (itemId: string) => boolean | Promise<boolean>;

const checkerOf =
  (recent: FriendRecent): IsRecent =>
  (itemId) =>
    recent.has(itemId);

/** What one friend was sent: item id → when (epoch ms), oldest first. */
class FriendRecent {
  readonly #sent = new Map<string, number>();
  /** False once older items were left out: an item not remembered is then asked of the database. */
  #complete: boolean;

  constructor(
    readonly friendId: Types.ObjectId,
    rows: Array<{ itemId: string; at: number }>,
    complete: boolean,
    private readonly opts: RecentItemsOptions & { maxPerFriend: number },
  ) {
    this.#complete = complete;
    for (const r of rows) this.add(r.itemId, r.at);
  }

  has(itemId: string): boolean | Promise<boolean> {
    const at = this.#sent.get(itemId);
    if (at !== undefined && at >= this.opts.now() - this.opts.windowMs) return true;
    if (this.#complete) return false;
    return sentSince(this.opts, this.friendId, itemId);
  }

  add(itemId: string, at: number): void {
    this.#sent.delete(itemId); // re-added at the end: the map stays in time order
    this.#sent.set(itemId, at);
    const oldest = this.opts.now() - this.opts.windowMs;
    for (const [id, when] of this.#sent) {
      if (when >= oldest && this.#sent.size <= this.opts.maxPerFriend) break;
      this.#sent.delete(id);
      // An item dropped for room (not for age) may still be inside the window.
      if (when >= oldest) this.#complete = false;
    }
  }
}

/** Whether ContentHistory has the item sent to the friend within the window (the slow path). */
async function sentSince(opts: RecentItemsOptions, friendId: Types.ObjectId, itemId: string): Promise<boolean> {
  const since = new Date(opts.now() - opts.windowMs);
  return (await opts.model.exists({ friendId, 'item.id': itemId, status: 'sent', at: { $gte: since } })) !== null;
}

/**
 * The no-repeat memory of one account's friends: what each friend was sent within the window,
 * loaded from ContentHistory once per friend (so a restarted server, or a node that just took
 * the account's lease, starts from what was stored) and kept in step by `add` after each
 * delivery. Memory is bounded: at most `maxPerFriend` items per friend of the account.
 *
 * Valid only while this node runs the account without a break: the pipeline drops it with the
 * rest of the account's context whenever the account changes hands or settings.
 */
export class RecentItems {
  readonly #opts: RecentItemsOptions & { maxPerFriend: number };
  readonly #friends = new LoadCache<string, FriendRecent>();

  constructor(opts: RecentItemsOptions) {
    this.#opts = { ...opts, maxPerFriend: opts.maxPerFriend ?? DEFAULT_MAX_PER_FRIEND };
  }

  /** The friend's `isRecent` check for a content pick (loads the friend's items the first time). */
  async of(friendId: Types.ObjectId): Promise<IsRecent> {
    const recent = await this.#load(friendId);
    return checkerOf(recent);
  }

  /** The same check as `of()` once the friend's items are loaded; undefined before. */
  loaded(friendId: Types.ObjectId): IsRecent | undefined {
    const recent = this.#friends.peek(friendId.toHexString());
    return recent && checkerOf(recent);
  }

  /** The item was just sent to the friend. */
  add(friendId: Types.ObjectId, itemId: string, at: number): void {
    const key = friendId.toHexString();
    const recent = this.#friends.peek(key);
    if (recent) recent.add(itemId, at);
    else void this.#friends.current(key)?.then((r) => r.add(itemId, at), () => {});
  }

  #load(friendId: Types.ObjectId): Promise<FriendRecent> {
    // A failed load is not kept: the next pick tries again.
    return this.#friends.get(friendId.toHexString(), () => this.#query(friendId));
  }

  async #query(friendId: Types.ObjectId): Promise<FriendRecent> {
    const { model, windowMs, now, maxPerFriend } = this.#opts;
    const rows = await model
      .find({ friendId, status: 'sent', at: { $gte: new Date(now() - windowMs) } }, { 'item.id': 1, at: 1 })
      .sort({ at: -1 })
      .limit(maxPerFriend + 1)
      .lean<Array<{ item?: { id?: string | null } | null; at: Date }>>();
    const kept = rows.slice(0, maxPerFriend).reverse();
    return new FriendRecent(
      friendId,
      kept.flatMap((r) => (r.item?.id ? [{ itemId: r.item.id, at: r.at.getTime() }] : [])),
      rows.length <= maxPerFriend,
      this.#opts,
    );
  }
}
