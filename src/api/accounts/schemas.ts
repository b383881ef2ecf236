import { ContentConfig } from '../../services/content/content-config-schema.js';
import { RuleOverride } from '../../services/rules/rule-schema.js';
import { WORKER_STATES } from '../../supervisor/worker-state.js';
import { ErrorBody, IsoDate, ObjectIdString, Page, PageQuery, Snowflake, Type } from '../common-schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** Shape check only: Discord decides whether the token is valid when the worker logs in. */
export const BotToken = Type.String({
  pattern: '^[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{20,}$',
  maxLength: 200,
  description: 'The bot token from the Discord developer portal. Stored encrypted; never returned.',
  examples: ['MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789'],
});

const Label = Type.String({ minLength: 1, maxLength: 100, examples: ['Gaming bot'] });

export const WorkerStateSchema = Type.Enum(WORKER_STATES, {
  type: 'string',
  description: 'stopped → starting → connecting → ready; stopping, backoff, crashed, error',
});

const settingsFields = {
  deliveryMode: Type.Union([Type.Literal('dm'), Type.Literal('channel')], {
    description: "'dm' sends to each friend directly; 'channel' posts in channelId",
  }),
  channelId: Snowflake,
  content: ContentConfig,
  defaultRules: RuleOverride,
};

/** What a caller sends. Nothing has a default here, so an update only changes what it lists. */
export const SettingsInput = Type.Object(
  {
    deliveryMode: Type.Optional(settingsFields.deliveryMode),
    channelId: Type.Optional(settingsFields.channelId),
    content: Type.Optional(settingsFields.content),
    defaultRules: Type.Optional(settingsFields.defaultRules),
  },
  { additionalProperties: false },
);

export const Settings = Type.Object({
  deliveryMode: settingsFields.deliveryMode,
  channelId: Type.Optional(settingsFields.channelId),
  content: Type.Optional(settingsFields.content),
  defaultRules: Type.Optional(settingsFields.defaultRules),
});

export const CreateAccount = Type.Object(
  { label: Label, token: BotToken, settings: Type.Optional(SettingsInput) },
  { additionalProperties: false },
);

export const UpdateAccount = Type.Object(
  {
    label: Type.Optional(Label),
    token: Type.Optional(BotToken),
    settings: Type.Optional(SettingsInput),
  },
  {
    additionalProperties: false,
    description: 'Only the fields given change; settings are merged key by key. A new token restarts a running worker.',
  },
);

const LastError = Type.Object({ code: Type.String(), message: Type.String(), at: IsoDate });

export const Worker = Type.Object(
  {
    state: WorkerStateSchema,
    restarts: Type.Integer({ description: 'Processes forked after the first one' }),
    gatewayState: Type.Optional(Type.String()),
    guildCount: Type.Optional(Type.Integer()),
    startedAt: Type.Optional(IsoDate),
    readyAt: Type.Optional(IsoDate),
    lastHeartbeat: Type.Optional(
      Type.Object({
        rss: Type.Integer(),
        heapUsed: Type.Integer(),
        eventLoopLagMs: Type.Number(),
        gatewayPingMs: Type.Number(),
        at: IsoDate,
      }),
    ),
  },
  { description: 'The live worker process, when the supervisor knows one' },
);

export const Account = Type.Object({
  id: ObjectIdString,
  label: Type.String(),
  tokenHint: Type.String({ description: 'The last characters of the token; the token itself is never returned' }),
  botUserId: Nullable(Snowflake),
  botUsername: Nullable(Type.String()),
  desiredState: Type.Union([Type.Literal('running'), Type.Literal('stopped')]),
  state: WorkerStateSchema,
  lastError: Nullable(LastError),
  settings: Settings,
  worker: Nullable(Worker),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});

export const AccountPage = Page(Account, 'accounts');

export const ListAccountsQuery = PageQuery;

export const BulkBody = Type.Union(
  [
    Type.Object(
      {
        ids: Type.Optional(
          Type.Array(Type.String({ maxLength: 24 }), { minItems: 1, maxItems: 500, description: 'Account ids; absent → all of yours' }),
        ),
      },
      { additionalProperties: false },
    ),
    Type.Null(),
  ],
  { description: 'Which accounts; an empty body or `{}` means every account of the caller' },
);

export const BulkResult = Type.Object({
  results: Type.Array(
    Type.Object({
      id: Type.String(),
      ok: Type.Boolean(),
      account: Type.Optional(Account),
      error: Type.Optional(ErrorBody),
    }),
  ),
});
