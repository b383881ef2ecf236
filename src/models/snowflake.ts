/** Discord ids are 64-bit snowflakes, written as 17–20 digit strings. */
export const SNOWFLAKE_PATTERN = /^\d{17,20}$/;

export const snowflakeValidator = {
  validator: (v: string) => SNOWFLAKE_PATTERN.test(v),
  message: 'must be a Discord id (17–20 digits)',
};
