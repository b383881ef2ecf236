import { type Connection, type InferSchemaType, Schema } from 'mongoose';
import { ACTIVITY_KINDS } from '../domain/activity.js';
import { withInsertPlain } from './insert-plain.js';

const activityHistorySchema = new Schema(
  {
    accountId: { type: Schema.Types.ObjectId, ref: 'DiscordAccount', required: true },
    friendId: { type: Schema.Types.ObjectId, ref: 'Friend' },
    discordUserId: { type: String, required: true },
    kind: { type: String, enum: ACTIVITY_KINDS, required: true },
    status: String,
    activity: {
      type: new Schema({ name: String, type: { type: String } }, { _id: false }),
      default: undefined,
    },
    /** When the worker saw the change. */
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
activityHistorySchema.index({ accountId: 1, at: -1, _id: -1 });
activityHistorySchema.index({ friendId: 1, at: -1 });

export type ActivityHistory = InferSchemaType<typeof activityHistorySchema>;

export function activityHistoryModel(conn: Connection, retentionDays: number) {
  const schema = activityHistorySchema.clone();
  schema.index({ at: 1 }, { expireAfterSeconds: retentionDays * 86_400 });
  return withInsertPlain(conn.model('ActivityHistory', schema, 'activityhistories'));
}
