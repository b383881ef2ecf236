import { AccountSettingsView, DesiredState } from '../../domain/account.js';
import { WORKER_STATES } from '../../supervisor/worker-state.js';
import { ErrorBody, IsoDate, ObjectIdString, Page, PageQuery, Snowflake, Type } from '../common-schemas.js';

/** The bodies of POST /accounts and PUT /accounts/:id, defined with the account's domain rules. */
export { CreateAccountInput, UpdateAccountInput } from '../../domain/account.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const WorkerStateSchema = Type.Enum(WORKER_STATES, {
  type: 'string',
  description: 'stopped → starting → connecting → ready; stopping, backoff, crashed, error',
});

export const LastError = Type.Object({ code: Type.String(), message: Type.String(), at: IsoDate });

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
  desiredState: DesiredState,
  state: WorkerStateSchema,
  lastError: Nullable(LastError),
  settings: AccountSettingsView,
  worker: Nullable(Worker),
  node: Nullable(Type.String({ description: 'NODE_ID of the server running the account; null when none does' })),
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
