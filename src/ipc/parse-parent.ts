/**
 * The worker's parse of what the server sends. In the worker bundle this module is replaced by
 * one with the same export whose check is generated from the same schema at build time
 * (`scripts/lib/ipc-validator-plugin.mjs`): TypeBox itself would add about 5 MiB to every worker.
 */
import { compileValidator } from './compile-validator.js';
import { ParentMessage } from './parent-messages.js';
import { type ParseResult, parseWith } from './parse-result.js';

const validator = compileValidator(ParentMessage);

/** A message received by the child: typed, or why it is dropped. */
export function parseParentMessage(raw: unknown): ParseResult<ParentMessage> {
  return parseWith(validator, raw);
}
