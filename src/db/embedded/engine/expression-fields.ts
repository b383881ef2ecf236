import { isPlainObject } from '../bson/values.js';
import { CommandError } from '../errors.js';

/** `$`-prefixed names mongod accepts in an object literal (DBRef parts, internal metadata). */
const ALLOWED_DOLLAR_FIELDS = new Set(['$id', '$ref', '$db', '$sortKey', '$recordId', '$searchSortValues', '$searchScore']);
const HINT = ' Consider using $getField or $setField.';

/** mongod's FieldPath::uassertValidFieldName, for the field names of an object literal. */
function assertFieldName(name: string): void {
  if (name.length === 0) throw new CommandError('Location15998', 'FieldPath field names may not be empty strings.');
  if (name.startsWith('$') && !ALLOWED_DOLLAR_FIELDS.has(name)) {
    throw new CommandError('Location16410', `FieldPath field names may not start with '$'.${HINT}`);
  }
  if (name.includes('\0')) throw new CommandError('Location16411', "FieldPath field names may not contain '\\0'.");
  if (name.includes('.')) throw new CommandError('Location16412', `FieldPath field names may not contain '.'.${HINT}`);
}

/**
 * Refuses, as mongod does while parsing, an object literal in an expression whose field names are
 * dotted or `$`-prefixed (`{$replaceWith: {'a.b': 1}}`): such names can only be written with
 * `$setField`. mingo would build them silently. `$literal` operands are values, not expressions.
 */
export function assertExpressionFieldNames(expression: unknown): void {
  if (Array.isArray(expression)) {
    for (const item of expression) assertExpressionFieldNames(item);
    return;
  }
  if (!isPlainObject(expression)) return;
  const names = Object.keys(expression);
  if (names[0]?.startsWith('$')) {
    if (names[0] !== '$literal') assertExpressionFieldNames(expression[names[0]]);
    return;
  }
  for (const name of names) {
    assertFieldName(name);
    assertExpressionFieldNames(expression[name]);
  }
}

/** Checks the expressions of the stages that build documents from them. */
export function assertStageFieldNames(name: string, spec: unknown): void {
  if (name === '$replaceWith') assertExpressionFieldNames(spec);
  else if (name === '$replaceRoot' && isPlainObject(spec)) assertExpressionFieldNames(spec.newRoot);
  else if ((name === '$addFields' || name === '$set') && isPlainObject(spec)) {
    for (const value of Object.values(spec)) assertExpressionFieldNames(value);
  }
}
