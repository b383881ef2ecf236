/**
 * TypeBox schemas for delivery rules, so the API validates them with the same definitions the
 * rule engine uses. Shapes only: `parseRule` in `validate-rule.ts` adds the checks a JSON schema
 * cannot express (the regex compiles, the time zone exists).
 */
import { Type, type Static } from 'typebox';
import { ActivityKind, ActivityTypeName } from '../../domain/activity.js';

/** Longest accepted name pattern; names Discord shows are at most 128 characters anyway. */
export const MAX_NAME_PATTERN_LENGTH = 200;

export const NameMatch = Type.Object(
  {
    match: Type.Union([Type.Literal('exact'), Type.Literal('substring'), Type.Literal('regex')]),
    value: Type.String({ minLength: 1, maxLength: MAX_NAME_PATTERN_LENGTH }),
  },
  { additionalProperties: false },
);
export type NameMatch = Static<typeof NameMatch>;

/** Every field given must match (AND); a trigger with no fields matches every event. */
export const Trigger = Type.Object(
  {
    kinds: Type.Optional(Type.Array(ActivityKind, { minItems: 1, uniqueItems: true })),
    activityTypes: Type.Optional(
      Type.Array(ActivityTypeName, { minItems: 1, uniqueItems: true }),
    ),
    name: Type.Optional(NameMatch),
  },
  { additionalProperties: false },
);
export type Trigger = Static<typeof Trigger>;

const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });

export const QuietHours = Type.Object(
  {
    /** Local wall-clock time the quiet period starts, `HH:MM` (24 h). */
    start: ClockTime,
    /** Local wall-clock time it ends (exclusive); earlier than `start` means across midnight. */
    end: ClockTime,
    /** IANA time zone, e.g. `Europe/Paris`. Also the zone that defines "today" for the caps. */
    timeZone: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);
export type QuietHours = Static<typeof QuietHours>;

const ruleFields = {
  enabled: Type.Boolean(),
  /** Any trigger matching (OR) is enough; an empty list matches nothing. */
  triggers: Type.Array(Trigger, { maxItems: 20 }),
  /** Minimum time between two deliveries to the same friend; 0 = none. */
  cooldownSeconds: Type.Integer({ minimum: 0, maximum: 7 * 24 * 3600 }),
  /** Deliveries per friend per day; 0 = unlimited. */
  dailyCapPerFriend: Type.Integer({ minimum: 0, maximum: 10_000 }),
  /** Deliveries per account per day, all friends together; 0 = unlimited. */
  dailyCapPerAccount: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
};

export const Rule = Type.Object(
  { ...ruleFields, quietHours: Type.Optional(QuietHours) },
  { additionalProperties: false },
);
export type Rule = Static<typeof Rule>;

/**
 * A partial rule layered over another (account defaults over the built-in default, a friend's
 * rules over the account's). `quietHours: null` removes inherited quiet hours.
 */
export const RuleOverride = Type.Object(
  {
    enabled: Type.Optional(ruleFields.enabled),
    triggers: Type.Optional(ruleFields.triggers),
    cooldownSeconds: Type.Optional(ruleFields.cooldownSeconds),
    dailyCapPerFriend: Type.Optional(ruleFields.dailyCapPerFriend),
    dailyCapPerAccount: Type.Optional(ruleFields.dailyCapPerAccount),
    quietHours: Type.Optional(Type.Union([QuietHours, Type.Null()])),
  },
  { additionalProperties: false },
);
export type RuleOverride = Static<typeof RuleOverride>;

