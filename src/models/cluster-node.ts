import { type Connection, type InferSchemaType, Schema } from 'mongoose';

/** One server process sharing the database: its heartbeat says it is alive. */
const clusterNodeSchema = new Schema(
  {
    /** NODE_ID. */
    _id: { type: String, required: true },
    heartbeatAt: { type: Date, required: true },
    /** MAX_ACCOUNTS_PER_NODE; null when unlimited. */
    capacity: { type: Number, default: null },
    /** Accounts whose lease it held at its last heartbeat. */
    accounts: { type: Number, default: 0 },
    /** Its LEASE_MS: it counts as gone once its heartbeat is older than that. */
    leaseMs: { type: Number, required: true },
    version: { type: String, required: true },
    startedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
clusterNodeSchema.index({ heartbeatAt: -1 });

export type ClusterNode = InferSchemaType<typeof clusterNodeSchema>;

export function clusterNodeModel(conn: Connection) {
  return conn.model('ClusterNode', clusterNodeSchema, 'nodes');
}
