import { type Connection, type InferSchemaType, Schema } from 'mongoose';
import {
  DEFAULT_DELIVERY_MODE,
  DEFAULT_DESIRED_STATE,
  DELIVERY_MODES,
  DESIRED_STATES,
  LABEL_MAX_LENGTH,
} from '../domain/account.js';
import { snowflakeValidator } from './snowflake.js';

const encryptedTokenSchema = new Schema(
  {
    ciphertext: { type: Buffer, required: true },
    iv: { type: Buffer, required: true },
    tag: { type: Buffer, required: true },
    keyId: { type: String, required: true },
  },
  { _id: false },
);

const lastErrorSchema = new Schema(
  { code: String, message: String, at: Date },
  { _id: false },
);

const settingsSchema = new Schema(
  {
    deliveryMode: { type: String, enum: DELIVERY_MODES, default: DEFAULT_DELIVERY_MODE },
    channelId: { type: String, validate: snowflakeValidator },
    /** `AccountSettings.content` (validated by the API with the domain schema). */
    content: { type: Schema.Types.Mixed },
    /** `AccountSettings.defaultRules` (validated by the API with the domain schema). */
    defaultRules: { type: Schema.Types.Mixed },
  },
  { _id: false, minimize: false },
);

/** Which node may run the account's worker (see src/cluster/lease.ts). */
const leaseSchema = new Schema(
  {
    owner: { type: String, default: null },
    expiresAt: { type: Date, default: null },
    /** Grows by one each time the owner changes; writes for the account are fenced by it. */
    epoch: { type: Number, default: 0 },
  },
  { _id: false },
);

const discordAccountSchema = new Schema(
  {
    ownerId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    label: { type: String, required: true, trim: true, maxlength: LABEL_MAX_LENGTH },
    token: { type: encryptedTokenSchema, required: true },
    /**
     * The gateway session a restarted server (or another node) resumes, encrypted like the token
     * (src/services/gateway-sessions.ts). Never returned by the API.
     */
    gatewaySession: { type: encryptedTokenSchema, default: undefined },
    /** The last four characters of the token: all the API ever shows of it. */
    tokenHint: { type: String, required: true },
    /** When the token was last set: a token error from before this is about an older token. */
    tokenChangedAt: { type: Date, default: undefined },
    botUserId: { type: String, validate: snowflakeValidator },
    botUsername: String,
    desiredState: { type: String, enum: DESIRED_STATES, default: DEFAULT_DESIRED_STATE, required: true },
    /** Grows with each change the owner's worker must hear about; the owner polls for it. */
    desiredVersion: { type: Number, default: 0 },
    /** Grows when the worker must be replaced (a new token, a restart request): the owner does it. */
    restartVersion: { type: Number, default: 0 },
    lease: { type: leaseSchema, default: () => ({}) },
    lastState: String,
    lastError: { type: lastErrorSchema, default: undefined },
    settings: { type: settingsSchema, default: () => ({}) },
  },
  { timestamps: true },
);
discordAccountSchema.index({ ownerId: 1, _id: -1 });
discordAccountSchema.index({ botUserId: 1 });
discordAccountSchema.index({ desiredState: 1 });
// Each node's poll of its own accounts, and the free ones it may take.
discordAccountSchema.index({ 'lease.owner': 1 });

export type DiscordAccount = InferSchemaType<typeof discordAccountSchema>;

export function discordAccountModel(conn: Connection) {
  return conn.model('DiscordAccount', discordAccountSchema, 'discordaccounts');
}
