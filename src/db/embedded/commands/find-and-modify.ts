import type { Doc } from '../bson/values.js';
import { CommandError } from '../errors.js';
import { parseLet } from '../engine/let-variables.js';
import { projectDocuments } from '../engine/query.js';
import { validateUpdate } from '../engine/update.js';
import { flag, optionalArray, optionalDocument, targetCollection } from './command-args.js';
import type { CommandHandler } from './command-context.js';
import { executeFindAndModifyUpdate, targetRecords } from './write-statements.js';

function project(doc: Doc | undefined, fields: Doc | undefined): Doc | null {
  if (!doc) return null;
  return projectDocuments([doc], fields)[0] ?? null;
}

const findAndModify: CommandHandler = (command, context) => {
  const name = targetCollection(command, Object.keys(command)[0] as string);
  const filter = optionalDocument(command, 'query') ?? {};
  const sort = optionalDocument(command, 'sort');
  const fields = optionalDocument(command, 'fields');
  const remove = flag(command, 'remove');
  const returnNew = flag(command, 'new');
  const upsert = flag(command, 'upsert');
  const variables = parseLet(optionalDocument(command, 'let'));
  const update = command.update;
  if (remove && update !== undefined) throw new CommandError('FailedToParse', 'Cannot specify both an update and remove=true');
  if (!remove && update === undefined) throw new CommandError('FailedToParse', 'Either an update or remove=true must be specified');
  if (remove && upsert) throw new CommandError('FailedToParse', 'Cannot specify both upsert=true and remove=true ');
  if (remove && returnNew) {
    throw new CommandError('FailedToParse', "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document");
  }

  if (remove) {
    const collection = context.catalog.collection(context.db, name);
    const [record] = targetRecords(collection, filter, false, sort, { collation: command.collation, variables });
    if (!record) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
    collection?.remove(record);
    return { lastErrorObject: { n: 1 }, value: project(record.doc, fields), ok: 1 };
  }

  validateUpdate(update);
  const result = executeFindAndModifyUpdate(context, name, {
    filter,
    update,
    multi: false,
    upsert,
    sort,
    arrayFilters: optionalArray(command, 'arrayFilters') as Doc[] | undefined,
    collation: command.collation,
    variables,
  });
  if (result.upsertedId !== undefined) {
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: result.upsertedId },
      value: returnNew ? project(result.after, fields) : null,
      ok: 1,
    };
  }
  if (result.matched === 0) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
  return {
    lastErrorObject: { n: 1, updatedExisting: true },
    value: project(returnNew ? result.after : result.before?.doc, fields),
    ok: 1,
  };
};

export const findAndModifyCommands: Record<string, CommandHandler> = { findAndModify, findandmodify: findAndModify };
