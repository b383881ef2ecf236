import type { Doc } from '../bson/values.js';
import { isPlainObject } from '../bson/values.js';
import { CommandError } from '../errors.js';
import { withIdFirst } from '../engine/update.js';
import { requiredArray, targetCollection } from './command-args.js';
import type { CommandHandler } from './command-context.js';
import { isOrdered, WriteErrorList } from './write-errors.js';

/** Checks a document an insert would store and returns it with `_id` first. */
export function prepareInsert(doc: unknown): Doc {
  if (!isPlainObject(doc)) throw new CommandError('BadValue', 'document to insert must be an object');
  const prepared = withIdFirst(doc);
  const id = prepared._id;
  if (Array.isArray(id)) throw new CommandError('BadValue', "The '_id' value cannot be of type array");
  if (id instanceof RegExp) throw new CommandError('BadValue', "The '_id' value cannot be of type regex");
  return prepared;
}

const insert: CommandHandler = (command, context) => {
  const name = targetCollection(command, 'insert');
  const documents = requiredArray(command, 'documents', 'insert');
  const { collection } = context.catalog.ensureCollection(context.db, name);
  const errors = new WriteErrorList();
  let n = 0;
  for (const [index, doc] of documents.entries()) {
    try {
      collection.insert(prepareInsert(doc));
      n++;
    } catch (error) {
      errors.add(index, error);
      if (isOrdered(command)) break;
    }
  }
  return errors.into({ n, ok: 1 });
};

export const insertCommands: Record<string, CommandHandler> = { insert };
