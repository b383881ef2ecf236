import type { Doc } from '../bson/values.js';
import { keyOf, toLong } from '../bson/values.js';
import { CommandError } from '../errors.js';
import type { Catalog } from '../engine/catalog.js';
import type { ChangeLog } from './change-log.js';
import type { EventOptions } from './change-event.js';
import type { ChangeBatch } from './change-stream-cursor.js';
import { ChangeStreamCursor, assertInHistory, historyLost } from './change-stream-cursor.js';
import type { ChangeStreamSpec } from './change-stream-spec.js';
import { toTimestamp } from './cluster-clock.js';

/** A getMore parked until its stream has events or its time is up. */
interface Waiter {
  batchSize: number | undefined;
  timer: NodeJS.Timeout;
  answer: (reply: Doc) => void;
}

/** mongod waits this long for events when an awaitData getMore names no maxTimeMS. */
export const DEFAULT_AWAIT_MS = 1000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The open change streams. A getMore that finds no events does not hold the store (which runs
 * one command at a time): it is parked, and answered from the commit that brings events or from
 * its timer, while the store serves everything else.
 */
export class ChangeStreams {
  readonly log: ChangeLog;
  readonly #catalog: Catalog;
  readonly #streams = new Map<bigint, ChangeStreamCursor>();
  readonly #waiting = new Map<ChangeStreamCursor, Waiter>();
  readonly #unsubscribe: () => void;
  #wakeScheduled = false;

  constructor(log: ChangeLog, catalog: Catalog) {
    this.log = log;
    this.#catalog = catalog;
    this.#unsubscribe = log.subscribe(() => this.#scheduleWake());
  }

  /** Opens a stream (`id` from the store's cursor ids) and answers the aggregate with its first batch. */
  open(id: bigint, ns: string, spec: ChangeStreamSpec, batchSize: number | undefined): Doc {
    const log = this.log;
    log.startRecording();
    let position = log.clock.current;
    if (spec.start.kind === 'at') position = spec.start.time - 1n;
    else if (spec.start.kind === 'after') {
      // A token of an earlier run of the store: that history went with its process.
      if (spec.start.point.instance !== log.instance) throw historyLost();
      position = spec.start.point.time;
    }
    assertInHistory(log, position);
    const cursor = new ChangeStreamCursor(id, ns, spec, position);
    const batch = cursor.nextBatch(log, this.#eventOptions(spec), batchSize);
    if (!batch.ended) this.#streams.set(id, cursor);
    return this.#reply(cursor, batch, 'firstBatch');
  }

  has(id: bigint): boolean {
    return this.#streams.has(id);
  }

  /** getMore: the next events at once, or a parked reply answered within `maxTimeMs`. */
  getMore(id: bigint, ns: string, batchSize: number | undefined, maxTimeMs: number | undefined): Doc | Promise<Doc> {
    const cursor = this.#streams.get(id) as ChangeStreamCursor;
    if (cursor.ns !== ns) {
      throw new CommandError('Unauthorized', `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`);
    }
    if (this.#waiting.has(cursor)) throw new CommandError('CursorNotFound', `cursor id ${id} is already in use`);
    // 0 asks for the default batch on getMore (on the aggregate, for an empty first batch).
    batchSize ||= undefined;
    const batch = this.#batch(cursor, batchSize);
    if (batch.events.length > 0 || batch.ended) return this.#reply(cursor, batch, 'nextBatch');
    return new Promise<Doc>((answer) => {
      // Node's timers take at most 2^31 - 1 ms (a longer one would fire at once).
      const timer = setTimeout(() => this.#answer(cursor, true), Math.min(maxTimeMs ?? DEFAULT_AWAIT_MS, MAX_TIMER_MS));
      this.#waiting.set(cursor, { batchSize, timer, answer });
    });
  }

  /** killCursors: a parked getMore of the stream is answered with CursorKilled. */
  close(id: bigint): boolean {
    const cursor = this.#streams.get(id);
    if (!cursor) return false;
    this.#streams.delete(id);
    const waiter = this.#waiting.get(cursor);
    if (waiter) {
      this.#waiting.delete(cursor);
      clearTimeout(waiter.timer);
      waiter.answer({ ok: 0, ...new CommandError('CursorKilled', 'operation was interrupted because a client disconnected or the cursor was killed').toReplyFields() });
    }
    return true;
  }

  /** Closes streams idle (not waiting) for longer than `timeoutMs`. */
  reapIdle(timeoutMs: number, now = Date.now()): void {
    for (const [id, cursor] of this.#streams) {
      if (!this.#waiting.has(cursor) && now - cursor.lastUsed > timeoutMs) this.#streams.delete(id);
    }
  }

  get size(): number {
    return this.#streams.size;
  }

  /** Stops every timer; parked getMores are not answered (their connections are closing). */
  stop(): void {
    this.#unsubscribe();
    for (const waiter of this.#waiting.values()) clearTimeout(waiter.timer);
    this.#waiting.clear();
    this.#streams.clear();
  }

  #eventOptions(spec: ChangeStreamSpec): EventOptions {
    return {
      fullDocument: spec.fullDocument,
      fullDocumentBeforeChange: spec.fullDocumentBeforeChange,
      instance: this.log.instance,
      lookup: (db, coll, id) => this.#catalog.collection(db, coll)?.records.get(keyOf(id))?.doc ?? null,
    };
  }

  #batch(cursor: ChangeStreamCursor, batchSize: number | undefined): ChangeBatch {
    return cursor.nextBatch(this.log, this.#eventOptions(cursor.spec), batchSize);
  }

  #reply(cursor: ChangeStreamCursor, batch: ChangeBatch, field: 'firstBatch' | 'nextBatch'): Doc {
    if (batch.ended) this.#streams.delete(cursor.id);
    return {
      cursor: { [field]: batch.events, postBatchResumeToken: batch.postBatchResumeToken, id: toLong(batch.ended ? 0n : cursor.id), ns: cursor.ns },
      operationTime: toTimestamp(this.log.clock.current),
      ok: 1,
    };
  }

  /** After a commit, once the committing command has answered: parked streams look for events. */
  #scheduleWake(): void {
    if (this.#wakeScheduled || this.#waiting.size === 0) return;
    this.#wakeScheduled = true;
    setImmediate(() => {
      this.#wakeScheduled = false;
      for (const cursor of [...this.#waiting.keys()]) this.#answer(cursor, false);
    });
  }

  /** Answers a parked getMore if its stream has events (or its time is up). */
  #answer(cursor: ChangeStreamCursor, timedOut: boolean): void {
    const waiter = this.#waiting.get(cursor);
    if (!waiter) return;
    let reply: Doc;
    try {
      const batch = this.#batch(cursor, waiter.batchSize);
      if (batch.events.length === 0 && !batch.ended && !timedOut) return;
      reply = this.#reply(cursor, batch, 'nextBatch');
    } catch (error) {
      // Outside any command (a timer, a wake-up): whatever failed ends this stream, never the store.
      const failure = error instanceof CommandError ? error : new CommandError('InternalError', `change stream failed: ${(error as Error).message}`);
      this.#streams.delete(cursor.id);
      reply = { ok: 0, ...failure.toReplyFields() };
    }
    this.#waiting.delete(cursor);
    clearTimeout(waiter.timer);
    waiter.answer(reply);
  }
}
