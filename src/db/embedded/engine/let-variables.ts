import { evalExpr } from 'mingo/core';
import type { Doc } from '../bson/values.js';
import { isPlainObject, toView } from '../bson/values.js';
import { CommandError } from '../errors.js';
import { MINGO_CONTEXT } from './mingo-context.js';
import { fromMingo } from './mingo-errors.js';

/** The `$$name` variables a command's `let` defines, as query views. */
export type Variables = Readonly<Record<string, unknown>>;

/** System variables a `let` may only set from inside a cluster (mongod's kSystemVarValidators). */
const SYSTEM_CONSTANTS = new Set(['NOW', 'CLUSTER_TIME', 'JS_SCOPE', 'IS_MR', 'USER_ROLES']);

const isLower = (ch: string): boolean => ch >= 'a' && ch <= 'z';
const isNameChar = (ch: string): boolean => isLower(ch) || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch === '_';

/** mongod's rule for a variable a user defines: a lowercase (or non-ASCII) letter, then letters, digits, `_`. */
function nameProblem(name: string): string | undefined {
  if (name === 'CURRENT') return undefined;
  if (name.length === 0) return 'empty variable names are not allowed';
  const first = name[0] as string;
  if (!isLower(first) && first.charCodeAt(0) < 0x80) return `'${name}' starts with an invalid character for a user variable name`;
  for (const ch of name.slice(1)) {
    if (!isNameChar(ch) && ch.charCodeAt(0) < 0x80) return `'${name}' contains an invalid character for a variable name: '${ch}'`;
  }
  return undefined;
}

/** Whether an expression reads the document (`$field`, `$$ROOT`, `$$CURRENT`); `$literal` operands never do. */
function readsDocument(expression: unknown): boolean {
  if (typeof expression === 'string') {
    return (expression.startsWith('$') && !expression.startsWith('$$')) || /^\$\$(ROOT|CURRENT)(\.|$)/.test(expression);
  }
  if (Array.isArray(expression)) return expression.some(readsDocument);
  if (!isPlainObject(expression)) return false;
  return Object.entries(expression).some(([key, operand]) => key !== '$literal' && readsDocument(operand));
}

/**
 * Evaluates a command's `let` as mongod does: each value is an expression evaluated once, before
 * any document is read (so it may use `$$NOW` and the variables defined before it, never a field).
 */
export function parseLet(spec: Doc | undefined): Variables | undefined {
  if (!spec) return undefined;
  const variables: Record<string, unknown> = {};
  for (const [name, expression] of Object.entries(spec)) {
    const problem = nameProblem(name);
    if (problem !== undefined) {
      if (SYSTEM_CONSTANTS.has(name)) throw new CommandError('Location4738901', `Attempt to set internal constant: ${name}`);
      throw new CommandError('FailedToParse', `Invalid 'let' parameter :: caused by :: ${problem}`);
    }
    if (readsDocument(expression)) {
      // mongod's message, including its missing space.
      throw new CommandError(
        'Location4890500',
        'Command let Expression tried to access a field, but this is not allowed becauseCommand let Expressions run before the query examines any documents.',
      );
    }
    try {
      variables[name] = evalExpr({}, toView(expression), { context: MINGO_CONTEXT, variables } as never);
    } catch (error) {
      throw fromMingo(error);
    }
  }
  return variables;
}
