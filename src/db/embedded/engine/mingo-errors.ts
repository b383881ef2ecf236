import { CommandError } from '../errors.js';

/**
 * mongod's answer for an error raised inside mingo: a reference to a variable nobody defined is
 * 17276 as in mongod (`Use of undefined variable: x`, the same wording), an unknown top-level
 * query operator BadValue with mongod's text; anything else is a bad operator or expression,
 * BadValue with mingo's message.
 */
export function fromMingo(error: unknown): CommandError {
  if (error instanceof CommandError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith('Use of undefined variable: ')) return new CommandError('Location17276', message);
  const topLevel = /^unknown top level operator: (\S+)$/.exec(message);
  if (topLevel) {
    // mongod 7.0's wording (MatchExpressionParser), with its hint for `$not` and for field names.
    const hint =
      topLevel[1] === '$not'
        ? 'If you are trying to negate an entire expression, use $nor.'
        : "If you have a field name that starts with a '$' symbol, consider using $getField or $setField.";
    return new CommandError('BadValue', `${message}. ${hint}`);
  }
  return new CommandError('BadValue', message);
}
