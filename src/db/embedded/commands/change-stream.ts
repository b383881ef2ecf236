import type { Doc } from '../bson/values.js';
import { parseChangeStream } from '../changes/change-stream-spec.js';
import { CommandError } from '../errors.js';
import { optionalCount, optionalDocument } from './command-args.js';
import type { CommandContext } from './command-context.js';

/**
 * `aggregate` whose pipeline starts with $changeStream: on a collection, on a database
 * (`aggregate: 1`) or, from `admin` with `allChangesForCluster`, on every database. A standalone
 * store refuses it as a standalone mongod does (code 40573), so callers fall back to polling.
 */
export function openChangeStream(command: Doc, pipeline: unknown[], context: CommandContext): Doc {
  if (context.replicaSet === undefined) {
    throw new CommandError('Location40573', 'The $changeStream stage is only supported on replica sets');
  }
  const spec = parseChangeStream(command.aggregate, context.db, pipeline);
  const cursor = optionalDocument(command, 'cursor');
  if (!cursor) throw new CommandError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  if (command.explain !== undefined) throw new CommandError('CommandNotSupported', 'explain is not supported by the embedded store');
  const target = typeof command.aggregate === 'string' ? command.aggregate : '$cmd.aggregate';
  return context.changeStreams.open(context.cursors.allocateId(), `${context.db}.${target}`, spec, optionalCount(cursor, 'batchSize'));
}
