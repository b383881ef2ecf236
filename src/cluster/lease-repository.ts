import { Types } from 'mongoose';
import type { Models } from '../models/index.js';
import type { DesiredAccount } from './account-decision.js';
import type { Lease } from './lease.js';

interface LeaseDoc {
  owner?: string | null;
  expiresAt?: Date | null;
  epoch?: number | null;
}

interface DesiredDoc {
  _id: Types.ObjectId;
  desiredState: string;
  desiredVersion?: number | null;
  restartVersion?: number | null;
  lease?: LeaseDoc | null;
}

const DESIRED_FIELDS = { desiredState: 1, desiredVersion: 1, restartVersion: 1, lease: 1 } as const;
/** Lease writes are bookkeeping: they must not move the account's `updatedAt`. */
const QUIET = { timestamps: false } as const;

export function leaseOf(doc: LeaseDoc | null | undefined): Lease {
  return { owner: doc?.owner ?? null, expiresAt: doc?.expiresAt ? doc.expiresAt.getTime() : null, epoch: doc?.epoch ?? 0 };
}

export function desiredOf(doc: DesiredDoc): DesiredAccount {
  return {
    desiredState: doc.desiredState === 'running' ? 'running' : 'stopped',
    desiredVersion: doc.desiredVersion ?? 0,
    restartVersion: doc.restartVersion ?? 0,
    lease: leaseOf(doc.lease),
  };
}

const oid = (id: string) => new Types.ObjectId(id);

/**
 * Account leases in the database, each operation one atomic conditional write (the same rules as
 * `lease.ts`). Renewal is one `updateMany` for all of a node's accounts.
 */
export class LeaseRepository {
  constructor(
    private readonly models: Pick<Models, 'DiscordAccount'>,
    private readonly node: string,
    private readonly leaseMs: number,
  ) {}

  /**
   * Takes a running account's lease if it is free (released, never taken or expired) or already
   * ours; the epoch grows when the owner changes. Resolves with the lease, or undefined when
   * another node holds it (or the account is gone or stopped).
   */
  async take(accountId: string, now: number): Promise<Lease | undefined> {
    const expiresAt = new Date(now + this.leaseMs);
    const projection = { lease: 1 };
    const own = await this.models.DiscordAccount.findOneAndUpdate(
      { _id: oid(accountId), 'lease.owner': this.node, desiredState: 'running' },
      { $set: { 'lease.expiresAt': expiresAt } },
      { ...QUIET, returnDocument: 'after', projection },
    ).lean<{ lease?: LeaseDoc }>();
    if (own) return leaseOf(own.lease);
    const taken = await this.models.DiscordAccount.findOneAndUpdate(
      {
        _id: oid(accountId),
        desiredState: 'running',
        'lease.owner': { $ne: this.node },
        $or: [{ 'lease.owner': null }, { 'lease.expiresAt': null }, { 'lease.expiresAt': { $lte: new Date(now) } }],
      },
      { $set: { 'lease.owner': this.node, 'lease.expiresAt': expiresAt }, $inc: { 'lease.epoch': 1 } },
      { ...QUIET, returnDocument: 'after', projection },
    ).lean<{ lease?: LeaseDoc }>();
    return taken ? leaseOf(taken.lease) : undefined;
  }

  /** Extends every lease of `accountIds` this node still owns, in one write. Resolves with how many it still owns. */
  async renew(accountIds: readonly string[], now: number): Promise<number> {
    if (accountIds.length === 0) return 0;
    const result = await this.models.DiscordAccount.updateMany(
      { _id: { $in: accountIds.map(oid) }, 'lease.owner': this.node },
      { $set: { 'lease.expiresAt': new Date(now + this.leaseMs) } },
      QUIET,
    );
    return result.matchedCount;
  }

  /** Lets the leases go (graceful stop, hand-off); another node may take them at once. */
  async release(accountIds: readonly string[]): Promise<void> {
    if (accountIds.length === 0) return;
    await this.models.DiscordAccount.updateMany(
      { _id: { $in: accountIds.map(oid) }, 'lease.owner': this.node },
      { $set: { 'lease.owner': null, 'lease.expiresAt': null } },
      QUIET,
    );
  }

  /**
   * Frees leases other nodes left behind. Only for a store this process started itself: no other
   * node can reach it, so every other owner is a previous run of this server.
   */
  async releaseOthers(): Promise<number> {
    const result = await this.models.DiscordAccount.updateMany(
      { 'lease.owner': { $nin: [null, this.node] } },
      { $set: { 'lease.owner': null, 'lease.expiresAt': null } },
      QUIET,
    );
    return result.modifiedCount;
  }

  /** One account's desired state and lease; null when it was deleted. */
  async desired(accountId: string): Promise<DesiredAccount | null> {
    const doc = await this.models.DiscordAccount.findById(oid(accountId), DESIRED_FIELDS).lean<DesiredDoc>();
    return doc ? desiredOf(doc) : null;
  }

  /**
   * The owner's poll, one indexed query: the accounts whose lease this node owns, and the running
   * ones nobody owns (started or released elsewhere).
   */
  async watched(): Promise<Map<string, DesiredAccount>> {
    const docs = await this.models.DiscordAccount.find(
      { $or: [{ 'lease.owner': this.node }, { 'lease.owner': null, desiredState: 'running' }] },
      DESIRED_FIELDS,
    ).lean<DesiredDoc[]>();
    return new Map(docs.map((d) => [d._id.toHexString(), desiredOf(d)]));
  }

  /** Running accounts whose lease expired (their node died), oldest account first. */
  async expired(now: number, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    const docs = await this.models.DiscordAccount.find(
      { desiredState: 'running', 'lease.owner': { $ne: null }, 'lease.expiresAt': { $lte: new Date(now) } },
      { _id: 1 },
    )
      .sort({ _id: 1 })
      .limit(limit)
      .lean<Array<{ _id: Types.ObjectId }>>();
    return docs.map((d) => d._id.toHexString());
  }

  countRunning(): Promise<number> {
    return this.models.DiscordAccount.countDocuments({ desiredState: 'running' });
  }
}
