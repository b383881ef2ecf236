import { CommandError } from '../errors.js';

/**
 * mongod's answer for an error raised inside mingo: a reference to a variable nobody defined is
 * 17276 as in mongod (`Use of undefined variable: x`, the same wording); anything else is a bad
 * operator or expression, BadValue with mingo's message.
 */
export function fromMingo(error: unknown): CommandError {
  if (error instanceof CommandError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith('Use of undefined variable: ')) return new CommandError('Location17276', message);
  return new CommandError('BadValue', message);
}
