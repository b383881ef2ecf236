import { RuleOverride } from '../../services/rules/rule-schema.js';
import { IsoDate, ObjectIdString, Page, PageQuery, Snowflake, Type } from '../common-schemas.js';

const DisplayName = Type.String({ minLength: 1, maxLength: 100, examples: ['Sam'] });

const Rules = Type.Union([RuleOverride, Type.Null()], {
  description: "Overrides layered over the account's default rules; null inherits them all",
});

export const FriendParams = Type.Object({
  id: Type.String({ description: 'Account id' }),
  friendId: Type.String({ description: 'Friend id' }),
});

export const CreateFriend = Type.Object(
  {
    discordUserId: Snowflake,
    displayName: Type.Optional(DisplayName),
    enabled: Type.Optional(Type.Boolean({ default: true })),
    rules: Type.Optional(Rules),
  },
  { additionalProperties: false },
);

export const UpdateFriend = Type.Object(
  {
    discordUserId: Type.Optional(Snowflake),
    displayName: Type.Optional(DisplayName),
    enabled: Type.Optional(Type.Boolean()),
    rules: Type.Optional(Rules),
  },
  { additionalProperties: false, description: 'Only the fields given change; `rules` is replaced as a whole.' },
);

const ACTIVITY_TYPE_NAMES = ['playing', 'streaming', 'listening', 'watching', 'custom', 'competing'] as const;
const PRESENCE_STATUSES = ['online', 'idle', 'dnd', 'offline'] as const;

export const Presence = Type.Object(
  {
    status: Type.Enum(PRESENCE_STATUSES, { type: 'string' }),
    activities: Type.Array(Type.Object({ name: Type.String(), type: Type.Enum(ACTIVITY_TYPE_NAMES, { type: 'string' }) })),
    at: Type.Optional(IsoDate),
  },
  { description: 'Status and activities as last seen; `at` is when the last change was seen' },
);

export const Decision = Type.Object(
  {
    outcome: Type.Union([Type.Literal('sent'), Type.Literal('failed'), Type.Literal('skipped')]),
    reason: Type.Optional(
      Type.String({
        description: 'Why nothing was sent: no-trigger, cooldown, friend-cap, account-cap, quiet-hours, disabled, no-content, only-repeats, or the delivery error',
      }),
    ),
    until: Type.Optional(IsoDate),
    at: IsoDate,
  },
  { description: 'The last rule decision for this friend since the server started, and why' },
);

/** What the server sees of a friend right now: the answer to "why did nothing happen?". */
const liveFields = {
  visible: Type.Union([Type.Boolean(), Type.Null()], {
    description: "Whether the bot shares a server with the friend and sees their presence; null while the account's worker is not ready",
  }),
  presence: Type.Union([Presence, Type.Null()]),
  lastDecision: Type.Union([Decision, Type.Null()]),
};

export const Friend = Type.Object({
  id: ObjectIdString,
  accountId: ObjectIdString,
  discordUserId: Snowflake,
  displayName: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  rules: Rules,
  ...liveFields,
  createdAt: IsoDate,
  updatedAt: IsoDate,
});

export const FriendPage = Page(Friend, 'friends');

export const ListFriendsQuery = PageQuery;

export const TestBody = Type.Union(
  [
    Type.Object(
      { ignoreCaps: Type.Optional(Type.Boolean({ description: 'Also ignore the cooldown, the daily caps and quiet hours' })) },
      { additionalProperties: false },
    ),
    Type.Null(),
  ],
  { description: 'Optional' },
);

export const TestResult = Type.Object({
  status: Type.Union([Type.Literal('sent'), Type.Literal('failed'), Type.Literal('skipped')]),
  reason: Type.Optional(Type.String()),
  until: Type.Optional(IsoDate),
  itemId: Type.Optional(Type.String()),
  messageId: Type.Optional(Type.String()),
});
