import { type Connection, type InferSchemaType, Schema } from 'mongoose';

/**
 * A per-user rate shared by every node, as a token bucket kept in one date (the generic cell rate
 * algorithm; src/services/regex-write-rate.ts). The document goes away once the bucket is full
 * again, which is what a missing one means.
 */
const rateBucketSchema = new Schema(
  {
    /** What is limited and for whom, e.g. `regex-writes:<userId>`. */
    _id: { type: String, required: true },
    /** When the bucket is full again; each taken token moves it one interval later. */
    tat: { type: Date, required: true },
  },
  { versionKey: false },
);
rateBucketSchema.index({ tat: 1 }, { expireAfterSeconds: 0 });

export type RateBucket = InferSchemaType<typeof rateBucketSchema>;

export function rateBucketModel(conn: Connection) {
  return conn.model('RateBucket', rateBucketSchema, 'ratebuckets');
}
