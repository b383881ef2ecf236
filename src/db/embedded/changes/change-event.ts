import type { Doc } from '../bson/values.js';
import type { ChangeEntry } from './change-log.js';
import { toTimestamp } from './cluster-clock.js';
import { encodeResumeToken } from './resume-token.js';
import { describeUpdate } from './update-description.js';

/** What a stream watches: one collection, one database (`coll` undefined) or all (`db` undefined too). */
export interface StreamScope {
  db?: string | undefined;
  coll?: string | undefined;
}

export type FullDocumentMode = 'default' | 'updateLookup' | 'whenAvailable' | 'required';
export type BeforeChangeMode = 'off' | 'whenAvailable' | 'required';

export interface EventOptions {
  fullDocument: FullDocumentMode;
  fullDocumentBeforeChange: BeforeChangeMode;
  /** The document as it is now, for `fullDocument: 'updateLookup'` (null when deleted since). */
  lookup: (db: string, coll: string, id: unknown) => Doc | null;
  instance: string;
}

function header(entry: ChangeEntry, operationType: string, instance: string, invalidate = false): Doc {
  return {
    _id: encodeResumeToken({ time: entry.time, instance, invalidate }),
    operationType,
    clusterTime: toTimestamp(entry.time),
    wallTime: entry.wallTime,
  };
}

function documentEvent(entry: ChangeEntry, coll: string, options: EventOptions): Doc {
  const event = header(entry, entry.kind, options.instance);
  if (entry.kind === 'insert' || entry.kind === 'replace') event.fullDocument = entry.after;
  else if (entry.kind === 'update' && options.fullDocument === 'updateLookup') event.fullDocument = options.lookup(entry.db, coll, entry.id);
  else if (entry.kind === 'update' && options.fullDocument !== 'default') event.fullDocument = entry.after ?? null;
  event.ns = { db: entry.db, coll };
  event.documentKey = { _id: entry.id };
  if (entry.kind === 'update') {
    entry.description ??= describeUpdate(entry.before ?? {}, entry.after ?? {}, entry.update ?? {});
    event.updateDescription = entry.description;
  }
  if (options.fullDocumentBeforeChange !== 'off' && entry.kind !== 'insert') event.fullDocumentBeforeChange = entry.before ?? null;
  return event;
}

/**
 * The events one change gives a stream of `scope`: none when it is outside the scope, one for a
 * document change, and for the drop or rename of the watched collection (or the drop of the
 * watched database) that event followed by an `invalidate`, which ends the stream. As in mongod,
 * a rename shows in the streams of the collection's old name and database.
 */
export function eventsOf(entry: ChangeEntry, scope: StreamScope, options: EventOptions): Doc[] {
  if (scope.db !== undefined && entry.db !== scope.db) return [];
  if (entry.kind === 'dropDatabase') {
    // A collection's stream was invalidated by the drop of its collection, which comes first.
    if (scope.coll !== undefined) return [];
    const event = { ...header(entry, 'dropDatabase', options.instance), ns: { db: entry.db } };
    return scope.db === undefined ? [event] : [event, header(entry, 'invalidate', options.instance, true)];
  }
  const coll = entry.coll as string;
  if (scope.coll !== undefined && coll !== scope.coll) return [];
  if (entry.kind === 'drop' || entry.kind === 'rename') {
    const event = { ...header(entry, entry.kind, options.instance), ns: { db: entry.db, coll }, ...(entry.to && { to: entry.to }) };
    return scope.coll === undefined ? [event] : [event, header(entry, 'invalidate', options.instance, true)];
  }
  return [documentEvent(entry, coll, options)];
}
