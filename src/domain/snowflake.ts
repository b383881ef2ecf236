import { Type } from 'typebox';

/** Discord ids are 64-bit snowflakes, written as 17–20 digit strings. */
const PATTERN = '^[0-9]{17,20}$';

export const SNOWFLAKE_PATTERN = new RegExp(PATTERN);

export const Snowflake = Type.String({
  pattern: PATTERN,
  description: 'A Discord id (17–20 digits)',
  examples: ['1234567890123456789'],
});
