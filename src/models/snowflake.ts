import { SNOWFLAKE_PATTERN } from '../domain/snowflake.js';

export const snowflakeValidator = {
  validator: (v: string) => SNOWFLAKE_PATTERN.test(v),
  message: 'must be a Discord id (17–20 digits)',
};
