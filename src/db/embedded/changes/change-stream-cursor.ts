import { calculateObjectSize } from 'bson';
import type { Doc } from '../bson/values.js';
import { isPlainObject, keyOf, toView } from '../bson/values.js';
import { unaliasKeys } from '../bson/own-keys.js';
import { EMBEDDED_MONGO_DEFAULTS } from '../constants.js';
import { CommandError } from '../errors.js';
import { makeAggregator } from '../engine/mingo-context.js';
import { fromMingo } from '../engine/mingo-errors.js';
import type { Aggregator } from 'mingo/aggregator';
import type { ChangeLog } from './change-log.js';
import type { EventOptions } from './change-event.js';
import { eventsOf } from './change-event.js';
import type { ChangeStreamSpec } from './change-stream-spec.js';
import type { ClusterTime } from './cluster-clock.js';
import { encodeResumeToken } from './resume-token.js';

export interface ChangeBatch {
  events: Doc[];
  postBatchResumeToken: Doc;
  /** The stream was invalidated: this batch ends it. */
  ended: boolean;
}

const HISTORY_LOST =
  'Resume of change stream was not possible, as the resume point may no longer be in the oplog.';

export function historyLost(): CommandError {
  return new CommandError('ChangeStreamHistoryLost', HISTORY_LOST);
}

/** Refuses a start point older than the history the store still holds. */
export function assertInHistory(log: ChangeLog, position: ClusterTime): void {
  if (position < log.floor) throw historyLost();
}

/**
 * One open change stream: where it stands in the change log, and the events it hands out from
 * there, each run through the stages that followed $changeStream.
 */
export class ChangeStreamCursor {
  readonly id: bigint;
  readonly ns: string;
  readonly spec: ChangeStreamSpec;
  readonly #aggregator: Aggregator | undefined;
  /** The time of the last change this stream has looked at. */
  #position: ClusterTime;
  lastUsed = Date.now();

  constructor(id: bigint, ns: string, spec: ChangeStreamSpec, position: ClusterTime) {
    this.id = id;
    this.ns = ns;
    this.spec = spec;
    this.#position = position;
    try {
      this.#aggregator = spec.stages.length === 0 ? undefined : makeAggregator(toView(spec.stages) as Doc[]);
    } catch (error) {
      throw fromMingo(error);
    }
  }

  /** The events after this stream's position, at most `batchSize` (and 16 MiB) of them. */
  nextBatch(log: ChangeLog, options: EventOptions, batchSize: number | undefined): ChangeBatch {
    assertInHistory(log, this.#position);
    const max = batchSize ?? Infinity;
    const events: Doc[] = [];
    let bytes = 0;
    let ended = false;
    const entries = log.after(this.#position);
    let scanned = 0;
    for (const entry of entries) {
      if (events.length >= max || bytes > EMBEDDED_MONGO_DEFAULTS.maxBsonObjectSize) break;
      for (const event of this.#transform(eventsOf(entry, this.spec.scope, options))) {
        events.push(event);
        bytes += calculateObjectSize(event);
        if (event.operationType === 'invalidate') ended = true;
      }
      this.#position = entry.time;
      scanned++;
      if (ended) break;
    }
    const last = events[events.length - 1];
    let postBatchResumeToken: Doc;
    if (ended || scanned < entries.length) {
      postBatchResumeToken = (last?._id as Doc | undefined) ?? encodeResumeToken({ time: this.#position, instance: log.instance, invalidate: false });
    } else {
      // Caught up: every change up to now has been looked at.
      if (log.clock.current > this.#position) this.#position = log.clock.current;
      postBatchResumeToken = encodeResumeToken({ time: this.#position, instance: log.instance, invalidate: false });
    }
    this.lastUsed = Date.now();
    return { events, postBatchResumeToken, ended };
  }

  #transform(events: Doc[]): Doc[] {
    if (!this.#aggregator || events.length === 0) return events;
    const views = events.map((event) => toView(event) as Doc);
    let output: Doc[];
    try {
      output = this.#aggregator.run<Doc>(views);
    } catch (error) {
      throw fromMingo(error);
    }
    return output.map((doc) => {
      const index = views.indexOf(doc);
      if (index !== -1) return events[index] as Doc;
      const original = events.find((event) => keyOf(event._id) === keyOf(doc._id));
      if (!original || !isPlainObject(doc._id)) {
        throw new CommandError(
          'ChangeStreamFatalError',
          'Encountered an event whose _id field, which contains the resume token, was modified by the pipeline. Modifying the _id field of an event makes it impossible to resume the stream from that point. Only transformations that retain the unmodified _id field are allowed.',
        );
      }
      return unaliasKeys(doc, isPlainObject) as Doc;
    });
  }
}
