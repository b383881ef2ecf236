import type { Types } from 'mongoose';
import type { Models } from '../models/index.js';
import { afterIdCursor, toObjectId, toPage } from '../utils/cursor.js';
import type { AccountService } from './account-service.js';
import { NotFoundError } from './errors.js';
import type { UserLimits } from './user-limits.js';

export interface FriendInput {
  discordUserId: string;
  displayName?: string;
  enabled?: boolean;
  rules?: Record<string, unknown>;
}

export interface FriendView {
  id: string;
  accountId: string;
  discordUserId: string;
  displayName: string | null;
  enabled: boolean;
  rules: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
}

interface FriendDoc {
  _id: Types.ObjectId;
  accountId: Types.ObjectId;
  discordUserId: string;
  displayName?: string | null;
  enabled: boolean;
  rules?: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
}

function view(f: FriendDoc): FriendView {
  return {
    id: f._id.toHexString(),
    accountId: f.accountId.toHexString(),
    discordUserId: f.discordUserId,
    displayName: f.displayName ?? null,
    enabled: f.enabled,
    rules: f.rules ?? null,
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
  };
}

/** The people an account watches. Every change reaches a running worker at once. */
export class FriendService {
  constructor(
    private readonly models: Pick<Models, 'Friend' | 'DiscordAccount'>,
    private readonly accounts: AccountService,
    /** Most friends one user may have over all their accounts, regex triggers per account. */
    private readonly limits: UserLimits,
  ) {}

  async list(ownerId: string, accountId: string, page: { limit: number; cursor?: string }) {
    const account = await this.accounts.find(ownerId, accountId);
    const rows = await this.models.Friend.find({ accountId: account._id, ...afterIdCursor(page.cursor) })
      .sort({ _id: -1 })
      .limit(page.limit + 1)
      .lean<FriendDoc[]>();
    const { items, nextCursor } = toPage(rows, page.limit);
    return { items: items.map(view), nextCursor };
  }

  async get(ownerId: string, accountId: string, friendId: string): Promise<FriendView> {
    return view(await this.find(ownerId, accountId, friendId));
  }

  async create(ownerId: string, accountId: string, input: FriendInput): Promise<FriendView> {
    const account = await this.accounts.find(ownerId, accountId);
    const doc = await this.limits.regexTriggers.replace(
      account._id,
      input.rules,
      async () => undefined,
      () =>
        this.limits.friends.create(
          ownerId,
          () => this.#countFriends(ownerId),
          () => this.models.Friend.create({ ...input, accountId: account._id }),
        ),
    );
    await this.pushFriends(account._id);
    return view(doc.toObject());
  }

  async update(ownerId: string, accountId: string, friendId: string, input: Partial<FriendInput>) {
    const friend = await this.find(ownerId, accountId, friendId);
    const target = { _id: friend._id, accountId: friend.accountId };
    const write = (filter: Record<string, unknown> = {}) =>
      this.models.Friend.findOneAndUpdate({ ...target, ...filter }, { $set: input }, { returnDocument: 'after', runValidators: true }).lean<FriendDoc>();
    const updated =
      input.rules === undefined
        ? await write()
        : // Counted against the account's regex triggers, applied only over the rules counted.
          await this.limits.regexTriggers.replace(
            friend.accountId,
            input.rules,
            async () => {
              const stored = await this.models.Friend.findOne(target, { rules: 1 }).lean<Pick<FriendDoc, 'rules'>>();
              if (!stored) throw new NotFoundError('Friend');
              return stored.rules;
            },
            (before) => write({ rules: before ?? null }),
          );
    if (!updated) throw new NotFoundError('Friend');
    await this.pushFriends(friend.accountId);
    return view(updated);
  }

  async remove(ownerId: string, accountId: string, friendId: string): Promise<void> {
    const friend = await this.find(ownerId, accountId, friendId);
    const { friends, regexTriggers } = this.limits;
    const [friendSlot, regexSlot] = await Promise.all([friends.beforeRemove(ownerId), regexTriggers.beforeRemove(friend.accountId)]);
    const deleted = await this.models.Friend.findOneAndDelete({ _id: friend._id }, { projection: { rules: 1 } }).lean();
    if (deleted) {
      await Promise.all([friends.removed(ownerId, 1, friendSlot), regexTriggers.removed(friend.accountId, deleted.rules, regexSlot)]);
    }
    await this.pushFriends(friend.accountId);
  }

  /** The owner's friends over all their accounts, as stored (the recount of their counter). */
  async #countFriends(ownerId: string): Promise<number> {
    const accounts = await this.models.DiscordAccount.find({ ownerId }, { _id: 1 }).lean();
    return this.models.Friend.countDocuments({ accountId: { $in: accounts.map((a) => a._id) } });
  }

  private async find(ownerId: string, accountId: string, friendId: string): Promise<FriendDoc> {
    const account = await this.accounts.find(ownerId, accountId);
    const _id = toObjectId(friendId);
    const friend = _id ? await this.models.Friend.findOne({ _id, accountId: account._id }).lean<FriendDoc>() : null;
    if (!friend) throw new NotFoundError('Friend');
    return friend;
  }

  /** The node running the account reloads its friends (this one at once, another within a second). */
  private async pushFriends(accountId: Types.ObjectId): Promise<void> {
    await this.accounts.touch(accountId.toHexString());
  }
}
