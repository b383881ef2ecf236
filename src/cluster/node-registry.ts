import type { Models } from '../models/index.js';
import type { NodeCapacity } from './fair-share.js';

/** A live node as the cluster sees it. */
export interface NodeInfo extends NodeCapacity {
  accounts: number;
  heartbeatAt: number;
  version: string;
  startedAt: number;
}

interface NodeDoc {
  _id: string;
  heartbeatAt: Date;
  capacity?: number | null;
  accounts?: number | null;
  leaseMs?: number | null;
  version: string;
  startedAt: Date;
}

/** Nodes are looked at when their heartbeat is this recent (longer than any sane lease). */
const RECENT_MS = 10 * 60_000;

/** Membership: each node's heartbeat in the `nodes` collection. A node silent for a lease is gone. */
export class NodeRegistry {
  readonly #startedAt = new Date();

  constructor(
    private readonly models: Pick<Models, 'ClusterNode'>,
    private readonly node: string,
    private readonly opts: { capacity: number; version: string; leaseMs: number },
  ) {}

  /** One upsert: alive now, holding `accounts` leases. */
  async heartbeat(now: number, accounts: number): Promise<void> {
    await this.models.ClusterNode.updateOne(
      { _id: this.node },
      {
        $set: {
          heartbeatAt: new Date(now),
          accounts,
          capacity: Number.isFinite(this.opts.capacity) ? this.opts.capacity : null,
          leaseMs: this.opts.leaseMs,
          version: this.opts.version,
          startedAt: this.#startedAt,
        },
      },
      { upsert: true },
    );
  }

  /** Nodes whose heartbeat is younger than their lease, this one first. */
  async live(now: number): Promise<NodeInfo[]> {
    const recent = await this.models.ClusterNode.find({ heartbeatAt: { $gt: new Date(now - RECENT_MS) } }).lean<NodeDoc[]>();
    return recent
      .filter((d) => d.heartbeatAt.getTime() + (d.leaseMs ?? this.opts.leaseMs) > now)
      .map((d) => ({
        id: d._id,
        capacity: d.capacity ?? Infinity,
        accounts: d.accounts ?? 0,
        heartbeatAt: d.heartbeatAt.getTime(),
        version: d.version,
        startedAt: d.startedAt.getTime(),
      }))
      .sort((a, b) => Number(b.id === this.node) - Number(a.id === this.node) || a.id.localeCompare(b.id));
  }

  /** Forgets nodes gone for a day (each start without NODE_ID is a new node). */
  async prune(now: number): Promise<void> {
    await this.models.ClusterNode.deleteMany({ heartbeatAt: { $lt: new Date(now - 86_400_000) } });
  }

  /** Leaves the cluster (graceful stop). */
  async leave(): Promise<void> {
    await this.models.ClusterNode.deleteOne({ _id: this.node });
  }
}
