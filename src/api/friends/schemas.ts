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

export const Friend = Type.Object({
  id: ObjectIdString,
  accountId: ObjectIdString,
  discordUserId: Snowflake,
  displayName: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  rules: Rules,
  createdAt: IsoDate,
  updatedAt: IsoDate,
});

export const FriendPage = Page(Friend, 'friends');

export const ListFriendsQuery = PageQuery;
