import type { Doc } from '../bson/values.js';
import { isPlainObject, numberOf } from '../bson/values.js';
import { CommandError } from '../errors.js';
import { parseLet } from '../engine/let-variables.js';
import { matchRecords } from '../engine/query.js';
import { optionalDocument, requiredArray, targetCollection } from './command-args.js';
import type { CommandHandler } from './command-context.js';
import { isOrdered, WriteErrorList } from './write-errors.js';

function parseDeleteStatement(raw: unknown): { filter: Doc; limit: number; collation: unknown } {
  if (!isPlainObject(raw)) throw new CommandError('TypeMismatch', 'delete statement must be an object');
  const filter = raw.q;
  if (!isPlainObject(filter)) throw new CommandError('FailedToParse', "BSON field 'delete.deletes.q' is missing but a required field");
  const limit = numberOf(raw.limit);
  if (limit !== 0 && limit !== 1) {
    throw new CommandError('FailedToParse', "The limit field in delete objects must be 0 or 1. Got " + String(raw.limit));
  }
  return { filter, limit, collation: raw.collation };
}

const deleteCommand: CommandHandler = (command, context) => {
  const name = targetCollection(command, 'delete');
  const statements = requiredArray(command, 'deletes', 'delete');
  const collection = context.catalog.collection(context.db, name);
  const variables = parseLet(optionalDocument(command, 'let'));
  const errors = new WriteErrorList();
  let n = 0;
  for (const [index, raw] of statements.entries()) {
    try {
      const { filter, limit, collation } = parseDeleteStatement(raw);
      const records = matchRecords(collection, filter, limit === 1 ? 1 : Infinity, { collation, variables });
      for (const record of records) collection?.remove(record);
      n += records.length;
    } catch (error) {
      errors.add(index, error);
      if (isOrdered(command)) break;
    }
  }
  return errors.into({ n, ok: 1 });
};

export const deleteCommands: Record<string, CommandHandler> = { delete: deleteCommand };
