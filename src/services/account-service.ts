import type { Types } from 'mongoose';
import type { AccountSettings, CreateAccountInput, DesiredState, UpdateAccountInput } from '../domain/account.js';
import type { Models } from '../models/index.js';
import { afterIdCursor, decodeCursor, toObjectId, toPage } from '../utils/cursor.js';
import { AccountCache, type AccountCacheOptions } from './account-cache.js';
import { AccountChanges } from './account-changes.js';
import { type TokenCipher, tokenHint } from '../utils/token-cipher.js';
import { ConflictError, NotFoundError } from './errors.js';
import { REJECTED_TOKEN_CODE } from './rejected-token.js';
import { botIdFromToken, type InviteInfo, inviteInfo } from './invite-url.js';
import type { WorkerState } from '../supervisor/worker-state.js';
import type { UserLimits } from './user-limits.js';
import type { WorkerControl, WorkerView } from './worker-control.js';

/** What the account's own document says, as the API shows it. */
export interface AccountStored {
  id: string;
  label: string;
  tokenHint: string;
  desiredState: DesiredState;
  settings: AccountSettings;
  createdAt: Date;
  updatedAt: Date;
}

/** What the account's worker (on this node or another) says now. */
export interface AccountLive {
  botUserId: string | null;
  botUsername: string | null;
  state: WorkerState;
  lastError: { code: string; message: string; at: Date } | null;
  worker: WorkerView | null;
  /** NODE_ID of the node running the account; null when none does. */
  node: string | null;
}

export type AccountView = AccountStored & AccountLive;

/** An account as stored, read lean and without its encrypted token. */
export interface AccountDoc {
  _id: Types.ObjectId;
  label: string;
  tokenHint: string;
  botUserId?: string | null;
  botUsername?: string | null;
  desiredState: string;
  lastState?: string | null;
  lastError?: { code?: string | null; message?: string | null; at?: Date | null } | null;
  tokenChangedAt?: Date | null;
  settings?: AccountSettings | null;
  lease?: { owner?: string | null; expiresAt?: Date | null } | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Discord bot accounts: CRUD scoped to their owner, token encryption, and start/stop through the
 * supervisor. Every query carries `ownerId`, so another user's account is simply "not found".
 */
export class AccountService {
  readonly #cache: AccountCache<AccountDoc>;

  constructor(
    private readonly models: Pick<Models, 'DiscordAccount' | 'Friend' | 'ActivityHistory' | 'ContentHistory'>,
    private readonly cipher: TokenCipher,
    private readonly workers: WorkerControl,
    /** Most accounts and friends per user, regex triggers per account. */
    private readonly limits: UserLimits,
    /** Told when an account's settings or existence change (caches downstream reload). */
    private readonly changes: AccountChanges = new AccountChanges(),
    cacheOptions: AccountCacheOptions = {},
  ) {
    this.#cache = new AccountCache(
      (ownerId, max) =>
        this.models.DiscordAccount.find({ ownerId }, { token: 0 }).sort({ _id: -1 }).limit(max).lean<AccountDoc[]>(),
      cacheOptions,
    );
  }

  /**
   * A page of the owner's accounts as stored, newest first: the same documents from one call to
   * the next while the owner's cache entry lives, so the API can keep what it derived from each.
   * `stored()` and `live()` give the view of one.
   */
  async listStored(ownerId: string, page: { limit: number; cursor?: string }): Promise<{ items: AccountDoc[]; nextCursor: string | null }> {
    const cached = await this.#cache.get(ownerId);
    const rows = cached
      ? this.#after(cached, page.cursor).slice(0, page.limit + 1)
      : await this.models.DiscordAccount.find({ ownerId, ...afterIdCursor(page.cursor) }, { token: 0 })
          .sort({ _id: -1 })
          .limit(page.limit + 1)
          .lean<AccountDoc[]>();
    return toPage(rows, page.limit);
  }

  /** Rows (newest first) after a cursor, the in-memory twin of `afterIdCursor`. */
  #after(rows: AccountDoc[], cursor: string | undefined): AccountDoc[] {
    if (!cursor) return rows;
    const { id } = decodeCursor(cursor);
    return rows.filter((r) => r._id.toHexString() < id.toHexString());
  }

  async create(ownerId: string, input: CreateAccountInput): Promise<AccountView> {
    const doc = await this.limits.accounts.create(
      ownerId,
      () => this.models.DiscordAccount.countDocuments({ ownerId }),
      () =>
        this.models.DiscordAccount.create({
          ownerId,
          label: input.label,
          token: this.cipher.encrypt(input.token),
          tokenHint: tokenHint(input.token),
          tokenChangedAt: new Date(),
          settings: input.settings ?? {},
        }),
    );
    this.#cache.invalidateOwner(ownerId);
    return this.view(doc.toObject() as AccountDoc);
  }

  async get(ownerId: string, id: string): Promise<AccountView> {
    return this.view(await this.find(ownerId, id));
  }

  async update(ownerId: string, id: string, input: UpdateAccountInput): Promise<AccountView> {
    const current = await this.find(ownerId, id);
    const set: Record<string, unknown> = {};
    const unset: Record<string, ''> = {};
    if (input.label !== undefined) set.label = input.label;
    // Field by field in the update itself: `current` may be a few seconds old on a node that
    // serves from its cache, and a merge of it would undo a change made meanwhile elsewhere.
    for (const [key, value] of Object.entries(input.settings ?? {})) set[`settings.${key}`] = value;
    if (input.token !== undefined) {
      set.token = this.cipher.encrypt(input.token);
      set.tokenHint = tokenHint(input.token);
      set.tokenChangedAt = new Date();
      // A new token means a new bot identity, learnt again at the next ready. Unset, not null:
      // the snowflake validator (runValidators) rejects null.
      Object.assign(unset, { botUserId: '', botUsername: '', lastError: '' });
    }
    // The versions tell the node running the account to reload it (and to replace its worker
    // for a new token).
    const inc = { desiredVersion: 1, ...(input.token !== undefined ? { restartVersion: 1 } : {}) };
    const write = (filter: Record<string, unknown> = {}) =>
      this.models.DiscordAccount.findOneAndUpdate(
        { _id: current._id, ownerId, ...filter },
        { $set: set, $inc: inc, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) },
        { returnDocument: 'after', runValidators: true },
      ).lean<AccountDoc>();
    const rules = input.settings?.defaultRules;
    const updated =
      rules === undefined
        ? await write()
        : // Counted against the account's regex triggers, applied only over the rules counted.
          await this.limits.regexTriggers.replace(
            current._id,
            rules,
            async () => {
              const stored = await this.models.DiscordAccount.findOne({ _id: current._id, ownerId }, { 'settings.defaultRules': 1 }).lean<Pick<AccountDoc, 'settings'>>();
              if (!stored) throw new NotFoundError('Account');
              return stored.settings?.defaultRules;
            },
            (before) => write({ 'settings.defaultRules': before ?? null }),
          );
    this.#cache.invalidateOwner(ownerId);
    if (!updated) throw new NotFoundError('Account');
    this.changes.emit('account', id);
    await this.workers.apply(id);
    return this.view(updated);
  }

  /** Friends of the account changed: the node running it reloads them. */
  async touch(accountId: string): Promise<void> {
    await this.models.DiscordAccount.updateOne({ _id: toObjectId(accountId) }, { $inc: { desiredVersion: 1 } });
    await this.workers.apply(accountId);
  }

  /** Stops the worker (wherever it runs), then removes the account with its friends and its history. */
  async remove(ownerId: string, id: string): Promise<void> {
    const account = await this.find(ownerId, id);
    await this.#setDesired(ownerId, account._id, 'stopped');
    await this.workers.awaitStopped(id);
    const { limits } = this;
    const [accountSlot, friendSlot] = await Promise.all([limits.accounts.beforeRemove(ownerId), limits.friends.beforeRemove(ownerId)]);
    const [friends] = await Promise.all([
      this.models.Friend.deleteMany({ accountId: account._id }),
      this.models.ActivityHistory.deleteMany({ accountId: account._id }),
      this.models.ContentHistory.deleteMany({ accountId: account._id }),
    ]);
    const gone = await this.models.DiscordAccount.deleteOne({ _id: account._id, ownerId });
    await Promise.all([
      limits.friends.removed(ownerId, friends.deletedCount, friendSlot),
      limits.accounts.removed(ownerId, gone.deletedCount, accountSlot),
      limits.regexTriggers.dropAccount(account._id),
    ]);
    this.#cache.invalidateOwner(ownerId);
    this.changes.emit('account', id);
    await this.workers.apply(id);
  }

  /**
   * Wants the account running. Any node may serve this: this one starts the worker when it may
   * take the account (its fair share), otherwise the node that takes it does, within a second.
   */
  async start(ownerId: string, id: string): Promise<AccountView> {
    const account = await this.find(ownerId, id);
    // A refused start (this node's worker is still stopping) must not leave 'running' behind.
    this.workers.assertStartable(id);
    this.#assertTokenNotRejected(id, account);
    await this.#setDesired(ownerId, account._id, 'running', { startRequested: true });
    return this.get(ownerId, id);
  }

  /** Wants the account stopped; answers once no node runs its worker. */
  async stop(ownerId: string, id: string): Promise<AccountView> {
    const account = await this.find(ownerId, id);
    await this.#setDesired(ownerId, account._id, 'stopped');
    await this.workers.awaitStopped(id);
    this.#cache.invalidateOwner(ownerId);
    return this.get(ownerId, id);
  }

  /** Replaces the account's worker with a new process, wherever it runs (starting it if it was not running). */
  async restart(ownerId: string, id: string): Promise<AccountView> {
    const account = await this.find(ownerId, id);
    this.workers.assertStartable(id);
    this.#assertTokenNotRejected(id, account);
    await this.#setDesired(ownerId, account._id, 'running', { startRequested: true, restart: true });
    return this.get(ownerId, id);
  }

  /** Ids of every account the owner has, newest first. */
  async ids(ownerId: string): Promise<string[]> {
    const cached = await this.#cache.get(ownerId);
    const rows = cached ?? (await this.models.DiscordAccount.find({ ownerId }, { _id: 1 }).sort({ _id: -1 }).lean());
    return rows.map((a) => a._id.toHexString());
  }

  /** The invite URL of the account's bot: its id as Discord told the worker, else as its token says. */
  async invite(ownerId: string, id: string): Promise<InviteInfo> {
    const account = await this.find(ownerId, id);
    let botId = this.workers.get(id)?.botUserId ?? account.botUserId ?? undefined;
    if (!botId) {
      // Not lean: mongoose turns the stored Binary fields back into Buffers. The token never leaves here.
      const stored = await this.models.DiscordAccount.findById(account._id, { token: 1 });
      botId = stored ? botIdFromToken(this.cipher.decrypt(stored.token)) : undefined;
    }
    if (!botId) throw new ConflictError('BOT_ID_UNKNOWN', 'The bot id is not known yet: start the account once');
    return inviteInfo(botId);
  }

  /**
   * Writes the desired state with a new version (and a new restart version: the worker is
   * replaced), then acts on it here, serialised per account.
   */
  async #setDesired(
    ownerId: string,
    _id: Types.ObjectId,
    desiredState: 'running' | 'stopped',
    opts: { startRequested?: boolean; restart?: boolean } = {},
  ): Promise<void> {
    const inc = { desiredVersion: 1, ...(opts.restart ? { restartVersion: 1 } : {}) };
    await this.models.DiscordAccount.updateOne({ _id, ownerId }, { $set: { desiredState }, $inc: inc });
    this.#cache.invalidateOwner(ownerId);
    await this.workers.apply(_id.toHexString(), { startRequested: opts.startRequested === true });
  }

  /** Persists what the supervisor learnt, so the API shows it even after a server restart. */
  async recordWorkerState(accountId: string, worker: WorkerView): Promise<void> {
    const _id = toObjectId(accountId);
    // Fenced: only the lease holder of the current epoch records the account's state.
    const lease = this.workers.lease(accountId);
    if (!_id || !lease) return;
    const set: Record<string, unknown> = { lastState: worker.state };
    if (worker.botUserId) set.botUserId = worker.botUserId;
    if (worker.botUsername) set.botUsername = worker.botUsername;
    if (worker.lastError) set.lastError = { ...worker.lastError, at: new Date(worker.lastError.at) };
    // Ready without an error: the stored one is over.
    const unset = worker.state === 'ready' && !worker.lastError ? { $unset: { lastError: '' } } : {};
    await this.models.DiscordAccount.updateOne(
      { _id, 'lease.owner': lease.owner, 'lease.epoch': lease.epoch },
      { $set: set, ...unset },
    );
    this.#cache.invalidateAccount(accountId);
  }

  /**
   * Discord refused this token: every start would spend another invalid request of the budget
   * all users share, and fail again. Only a new token (PUT) makes the account startable.
   */
  #assertTokenNotRejected(id: string, a: AccountDoc): void {
    const changedAt = a.tokenChangedAt?.getTime() ?? 0;
    const live = this.workers.get(id)?.lastError;
    const rejected =
      a.lastError?.code === REJECTED_TOKEN_CODE ||
      (live?.code === REJECTED_TOKEN_CODE && live.at >= changedAt);
    if (rejected) {
      throw new ConflictError('TOKEN_REJECTED', 'Discord refused this account’s token; set a new token (PUT) before starting it');
    }
  }

  /** Loads an account the caller owns; anything else is "not found". */
  async find(ownerId: string, id: string): Promise<AccountDoc> {
    const _id = toObjectId(id);
    if (!_id) throw new NotFoundError('Account');
    const cached = await this.#cache.get(ownerId);
    const hit = cached?.find((a) => a._id.equals(_id));
    if (hit) return hit;
    // Not cached: maybe created through another node since the cache was filled.
    const account = await this.models.DiscordAccount.findOne({ _id, ownerId }, { token: 0 }).lean<AccountDoc>();
    if (!account) throw new NotFoundError('Account');
    if (cached) this.#cache.invalidateOwner(ownerId);
    return account;
  }

  /** This node when its worker runs here, else the owner of a lease that has not expired. */
  #nodeOf(id: string, a: AccountDoc, worker: WorkerView | null): string | null {
    if (worker && this.workers.lease(id)) return this.workers.nodeId;
    const { owner, expiresAt } = a.lease ?? {};
    return owner && owner !== this.workers.nodeId && expiresAt && expiresAt.getTime() > Date.now() ? owner : null;
  }

  private view(a: AccountDoc): AccountView {
    return { ...this.stored(a), ...this.live(a) };
  }

  /** The part of the view that only the document decides. */
  stored(a: AccountDoc): AccountStored {
    return {
      id: a._id.toHexString(),
      label: a.label,
      tokenHint: a.tokenHint,
      desiredState: a.desiredState as DesiredState,
      settings: a.settings ?? {},
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    };
  }

  /** The part of the view the worker decides, as of now. */
  live(a: AccountDoc): AccountLive {
    const id = a._id.toHexString();
    const worker = this.workers.get(id) ?? null;
    const node = this.#nodeOf(id, a, worker);
    // The live worker's error when there is a worker (none once it is ready again), else the stored one.
    const lastError = worker
      ? worker.lastError
        ? { code: worker.lastError.code, message: worker.lastError.message, at: new Date(worker.lastError.at) }
        : null
      : a.lastError?.code
        ? { code: a.lastError.code, message: a.lastError.message ?? '', at: a.lastError.at ?? a.updatedAt }
        : null;
    return {
      botUserId: worker?.botUserId ?? a.botUserId ?? null,
      botUsername: worker?.botUsername ?? a.botUsername ?? null,
      state: worker?.state ?? (node ? ((a.lastState as WorkerState | null | undefined) ?? 'starting') : 'stopped'),
      lastError,
      worker,
      node,
    };
  }

}
