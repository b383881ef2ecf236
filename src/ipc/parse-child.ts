import { ChildMessage } from './child-messages.js';
import { compileValidator } from './compile-validator.js';
import { type ParseResult, parseWith } from './parse-result.js';

const validator = compileValidator(ChildMessage);

/** A message received by the parent: typed, or why it is dropped. */
export function parseChildMessage(raw: unknown): ParseResult<ChildMessage> {
  return parseWith(validator, raw);
}
