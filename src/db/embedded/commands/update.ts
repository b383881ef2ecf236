import type { Doc } from '../bson/values.js';
import { isPlainObject } from '../bson/values.js';
import { CommandError } from '../errors.js';
import { parseLet } from '../engine/let-variables.js';
import { optionalDocument, requiredArray, targetCollection } from './command-args.js';
import type { CommandHandler } from './command-context.js';
import { executeUpdate, parseUpdateStatement } from './write-statements.js';
import { isOrdered, WriteErrorList } from './write-errors.js';

const update: CommandHandler = (command, context) => {
  const name = targetCollection(command, 'update');
  const statements = requiredArray(command, 'updates', 'update');
  // The `sort` of updateOne/replaceOne came with MongoDB 8.0; 7.0's command parser refuses the
  // field before running any statement (a command error, not a write error).
  if (statements.some((statement) => isPlainObject(statement) && 'sort' in statement)) {
    throw new CommandError('IDLUnknownField', "BSON field 'update.updates.sort' is an unknown field.");
  }
  const variables = parseLet(optionalDocument(command, 'let'));
  const errors = new WriteErrorList();
  const upserted: Doc[] = [];
  let n = 0;
  let nModified = 0;
  for (const [index, raw] of statements.entries()) {
    try {
      const result = executeUpdate(context, name, parseUpdateStatement(raw, variables));
      if (result.upsertedId !== undefined) {
        upserted.push({ index, _id: result.upsertedId });
        n++;
      }
      n += result.matched;
      nModified += result.modified;
    } catch (error) {
      errors.add(index, error);
      if (isOrdered(command)) break;
    }
  }
  const reply: Doc = { n, nModified };
  if (upserted.length > 0) reply.upserted = upserted;
  errors.into(reply);
  reply.ok = 1;
  return reply;
};

export const updateCommands: Record<string, CommandHandler> = { update };
