import type { Types } from 'mongoose';
import type { Models } from '../models/index.js';
import { afterIdCursor, toObjectId, toPage } from '../utils/cursor.js';
import type { AccountService } from './account-service.js';
import { NotFoundError } from './errors.js';
import { OwnerQuota } from './owner-quota.js';
import { assertRegexTriggerRoom } from './regex-trigger-cap.js';

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
    private readonly models: Pick<Models, 'Friend'>,
    private readonly accounts: AccountService,
    /** Most friends one user may have, over all their accounts. */
    private readonly quota = new OwnerQuota(0, 'FRIEND_LIMIT_REACHED', 'friends', 'MAX_FRIENDS_PER_USER'),
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
    await assertRegexTriggerRoom(this.models.Friend, account, { rules: input.rules });
    const doc = await this.quota.create(
      ownerId,
      async () => this.models.Friend.countDocuments({ accountId: { $in: await this.accounts.ids(ownerId) } }),
      () => this.models.Friend.create({ ...input, accountId: account._id }),
    );
    await this.pushFriends(account._id);
    return view(doc.toObject());
  }

  async update(ownerId: string, accountId: string, friendId: string, input: Partial<FriendInput>) {
    const friend = await this.find(ownerId, accountId, friendId);
    if (input.rules !== undefined) {
      const account = await this.accounts.find(ownerId, accountId);
      await assertRegexTriggerRoom(this.models.Friend, account, { friendId: friend._id, rules: input.rules });
    }
    const updated = await this.models.Friend.findOneAndUpdate(
      { _id: friend._id, accountId: friend.accountId },
      { $set: input },
      { returnDocument: 'after', runValidators: true },
    ).lean<FriendDoc>();
    if (!updated) throw new NotFoundError('Friend');
    await this.pushFriends(friend.accountId);
    return view(updated);
  }

  async remove(ownerId: string, accountId: string, friendId: string): Promise<void> {
    const friend = await this.find(ownerId, accountId, friendId);
    await this.models.Friend.deleteOne({ _id: friend._id });
    await this.pushFriends(friend.accountId);
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
