import type { Doc } from '../bson/values.js';
import { CommandError } from '../errors.js';

/** Collects per-statement errors of a batch write the way mongod reports them. */
export class WriteErrorList {
  readonly #errors: Doc[] = [];

  /** Records a CommandError for statement `index`; anything else is a bug and propagates. */
  add(index: number, error: unknown): void {
    if (!(error instanceof CommandError)) throw error;
    this.#errors.push({ index, code: error.code, errmsg: error.message, ...error.extra });
  }

  get length(): number {
    return this.#errors.length;
  }

  /** Adds `writeErrors` only when non-empty: the driver throws on an empty array. */
  into(reply: Doc): Doc {
    if (this.#errors.length > 0) reply.writeErrors = this.#errors;
    return reply;
  }
}

/** `ordered` defaults to true. */
export function isOrdered(command: Doc): boolean {
  return command.ordered !== false;
}
