import { type Connection, type InferSchemaType, Schema } from 'mongoose';

/**
 * How much of a per-user (or per-account) limit is taken, shared by every node: one document per
 * limited thing, changed only by single conditional updates (src/services/slot-counter.ts).
 */
const quotaCounterSchema = new Schema(
  {
    /** What is counted and for whom, e.g. `accounts:<userId>`, `regex:<accountId>`. */
    _id: { type: String, required: true },
    /** Slots taken: what exists plus reservations whose creation is on its way. */
    n: { type: Number, required: true },
    /** Grows at each correction by a recount: a release from before it is not applied. */
    gen: { type: Number, default: 0 },
    /** The last reservation: a recount may correct the counter only once none is recent. */
    at: { type: Date, default: () => new Date(0) },
  },
  { versionKey: false },
);

export type QuotaCounter = InferSchemaType<typeof quotaCounterSchema>;

export function quotaCounterModel(conn: Connection) {
  return conn.model('QuotaCounter', quotaCounterSchema, 'quotacounters');
}
