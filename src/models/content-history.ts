import { type Connection, type InferSchemaType, Schema } from 'mongoose';
import { withInsertPlain } from './insert-plain.js';

export const DELIVERY_STATUSES = ['sent', 'failed', 'skipped'] as const;

const contentHistorySchema = new Schema(
  {
    accountId: { type: Schema.Types.ObjectId, ref: 'DiscordAccount', required: true },
    friendId: { type: Schema.Types.ObjectId, ref: 'Friend', required: true },
    discordUserId: { type: String, required: true },
    item: {
      type: new Schema(
        { id: String, type: { type: String }, url: String, text: String, title: String, source: String },
        { _id: false },
      ),
      default: undefined,
    },
    status: { type: String, enum: DELIVERY_STATUSES, required: true },
    reason: String,
    discordMessageId: String,
    /** Presence change seen by the worker → delivery answered, in ms. */
    latencyMs: Number,
    at: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false },
);
contentHistorySchema.index({ friendId: 1, 'item.id': 1, at: -1 });
contentHistorySchema.index({ accountId: 1, at: -1, _id: -1 });

export type ContentHistory = InferSchemaType<typeof contentHistorySchema>;

export function contentHistoryModel(conn: Connection) {
  return withInsertPlain(conn.model('ContentHistory', contentHistorySchema, 'contenthistories'));
}
