import type { Long } from 'bson';
import { bsonTypeOf, numberOf, toLong } from '../bson/values.js';
import { CommandError } from '../errors.js';
import { parseLet } from '../engine/let-variables.js';
import { runFind } from '../engine/query.js';
import { flag, optionalArray, optionalCount, optionalDocument, optionalNumber, targetCollection } from './command-args.js';
import type { CommandHandler } from './command-context.js';
import { firstBatchReply, takeBatch } from './cursor-reply.js';

const find: CommandHandler = (command, context) => {
  const name = targetCollection(command, 'find');
  const limit = optionalNumber(command, 'limit');
  // A negative limit is the legacy spelling of "limit, single batch".
  const singleBatch = flag(command, 'singleBatch') || (limit !== undefined && limit < 0);
  const docs = runFind(context.catalog.collection(context.db, name), {
    filter: optionalDocument(command, 'filter') ?? {},
    sort: optionalDocument(command, 'sort'),
    projection: optionalDocument(command, 'projection'),
    skip: optionalCount(command, 'skip'),
    limit: limit === undefined ? undefined : Math.abs(limit),
    collation: command.collation,
    variables: parseLet(optionalDocument(command, 'let')),
  });
  return firstBatchReply(context, `${context.db}.${name}`, docs, {
    batchSize: optionalCount(command, 'batchSize'),
    singleBatch,
  });
};

function cursorIdOf(value: unknown): bigint {
  if (bsonTypeOf(value) === 'Long') return (value as Long).toBigInt();
  const number = numberOf(value);
  if (number === undefined || !Number.isInteger(number)) {
    throw new CommandError('TypeMismatch', "Field 'getMore' must be of type long");
  }
  return BigInt(number);
}

const getMore: CommandHandler = (command, context) => {
  const id = cursorIdOf(command.getMore);
  const collection = command.collection;
  if (typeof collection !== 'string') {
    throw new CommandError('FailedToParse', "BSON field 'getMore.collection' is missing but a required field");
  }
  const ns = `${context.db}.${collection}`;
  if (context.changeStreams.has(id)) {
    return context.changeStreams.getMore(id, ns, optionalCount(command, 'batchSize'), optionalCount(command, 'maxTimeMS'));
  }
  const cursor = context.cursors.get(id);
  if (!cursor) throw new CommandError('CursorNotFound', `cursor id ${id} not found`);
  if (cursor.ns !== ns) {
    throw new CommandError('Unauthorized', `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`);
  }
  const nextBatch = takeBatch(cursor.docs, cursor.position, optionalCount(command, 'batchSize'));
  cursor.position += nextBatch.length;
  const exhausted = cursor.position >= cursor.docs.length;
  if (exhausted) context.cursors.close(id);
  return { cursor: { nextBatch, id: toLong(exhausted ? 0n : id), ns }, ok: 1 };
};

const killCursors: CommandHandler = (command, context) => {
  targetCollection(command, 'killCursors');
  const killed: Long[] = [];
  const notFound: Long[] = [];
  for (const value of optionalArray(command, 'cursors') ?? []) {
    const id = cursorIdOf(value);
    (context.cursors.close(id) || context.changeStreams.close(id) ? killed : notFound).push(toLong(id));
  }
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

export const findCommands: Record<string, CommandHandler> = { find, getMore, killCursors };
