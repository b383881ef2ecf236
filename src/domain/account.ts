/**
 * A Discord bot account's own fields: the mongoose model, the API schemas and the services all
 * derive from these. Content and rule settings keep their schemas beside their engines
 * (`services/content/`, `services/rules/`).
 */
import { type Static, Type } from 'typebox';
import { ContentConfig } from '../services/content/content-config-schema.js';
import { RuleOverride } from '../services/rules/rule-schema.js';
import { LiteralUnion } from './literal-union.js';
import { Snowflake } from './snowflake.js';

export const LABEL_MAX_LENGTH = 100;
export const Label = Type.String({ minLength: 1, maxLength: LABEL_MAX_LENGTH, examples: ['Gaming bot'] });

/** Shape check only: Discord decides whether the token is valid when the worker logs in. */
export const BotToken = Type.String({
  pattern: '^[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{20,}$',
  maxLength: 200,
  description: 'The bot token from the Discord developer portal. Stored encrypted; never returned.',
  examples: ['MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789'],
});

/** What the user asked for; the supervisor's worker state says what actually runs. */
export const DESIRED_STATES = ['running', 'stopped'] as const;
export const DesiredState = LiteralUnion(DESIRED_STATES);
export type DesiredState = Static<typeof DesiredState>;
export const DEFAULT_DESIRED_STATE: DesiredState = 'stopped';

export const DELIVERY_MODES = ['dm', 'channel'] as const;
export const DeliveryMode = LiteralUnion(DELIVERY_MODES, {
  description: "'dm' sends to each friend directly; 'channel' posts in channelId",
});
export type DeliveryMode = Static<typeof DeliveryMode>;
/** The mode of an account that never chose one. */
export const DEFAULT_DELIVERY_MODE: DeliveryMode = 'dm';

/**
 * An account's settings as stored and as a caller sends them. Nothing has a default here, so an
 * update only changes what it lists.
 */
export const AccountSettingsInput = Type.Object(
  {
    deliveryMode: Type.Optional(DeliveryMode),
    channelId: Type.Optional(Snowflake),
    /** ContentService config: providers, weights, allowNsfw. */
    content: Type.Optional(ContentConfig),
    /** Rule defaults every friend inherits. */
    defaultRules: Type.Optional(RuleOverride),
  },
  { additionalProperties: false },
);
export type AccountSettings = Static<typeof AccountSettingsInput>;

/** The settings as the API shows them: the delivery mode filled in with its default. */
export const AccountSettingsView = Type.Object({
  deliveryMode: DeliveryMode,
  channelId: Type.Optional(Snowflake),
  content: Type.Optional(ContentConfig),
  defaultRules: Type.Optional(RuleOverride),
});
export type AccountSettingsView = Static<typeof AccountSettingsView>;

export const CreateAccountInput = Type.Object(
  { label: Label, token: BotToken, settings: Type.Optional(AccountSettingsInput) },
  { additionalProperties: false },
);
export type CreateAccountInput = Static<typeof CreateAccountInput>;

export const UpdateAccountInput = Type.Object(
  {
    label: Type.Optional(Label),
    token: Type.Optional(BotToken),
    settings: Type.Optional(AccountSettingsInput),
  },
  {
    additionalProperties: false,
    description: 'Only the fields given change; settings are merged key by key. A new token restarts a running worker.',
  },
);
export type UpdateAccountInput = Static<typeof UpdateAccountInput>;
