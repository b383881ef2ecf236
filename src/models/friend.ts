import { type Connection, type InferSchemaType, Schema } from 'mongoose';
import { snowflakeValidator } from './snowflake.js';

const friendSchema = new Schema(
  {
    accountId: { type: Schema.Types.ObjectId, ref: 'DiscordAccount', required: true },
    discordUserId: { type: String, required: true, validate: snowflakeValidator },
    displayName: { type: String, trim: true, maxlength: 100 },
    enabled: { type: Boolean, default: true, required: true },
    /** Per-friend rule overrides, merged over the account's defaults (API-validated). */
    rules: { type: Schema.Types.Mixed },
  },
  { timestamps: true, minimize: false },
);
friendSchema.index({ accountId: 1, discordUserId: 1 }, { unique: true });
friendSchema.index({ accountId: 1, _id: -1 });

export type Friend = InferSchemaType<typeof friendSchema>;

export function friendModel(conn: Connection) {
  return conn.model('Friend', friendSchema, 'friends');
}
