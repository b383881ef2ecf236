import type { Doc } from '../bson/values.js';
import type { UpdateSpec } from '../engine/update.js';
import type { ClusterTime } from './cluster-clock.js';
import { ClusterClock } from './cluster-clock.js';
import { newStoreInstance } from './resume-token.js';

export type ChangeKind = 'insert' | 'update' | 'replace' | 'delete' | 'drop' | 'rename' | 'dropDatabase';

/** One committed change, as the oplog would hold it. Events are built from it when read. */
export interface ChangeEntry {
  readonly time: ClusterTime;
  readonly wallTime: Date;
  readonly kind: ChangeKind;
  readonly db: string;
  /** Absent for dropDatabase. */
  readonly coll?: string | undefined;
  /** The document's `_id` (document changes only). */
  readonly id?: unknown;
  /** The document after the change (insert, update, replace). */
  readonly after?: Doc | undefined;
  /** The document before the change (update, replace, delete). */
  readonly before?: Doc | undefined;
  /** The update that made an `update` change, for its updateDescription. */
  readonly update?: UpdateSpec | undefined;
  /** Where a renamed collection went. */
  readonly to?: { db: string; coll: string } | undefined;
  /** updateDescription, computed the first time a stream reads it. */
  description?: Doc;
}

export type NewChange = Omit<ChangeEntry, 'time' | 'wallTime' | 'description'>;

/**
 * The store's recent history of changes, the change streams' source: a bounded ring in memory,
 * so a stream can resume from a point at most `capacity` changes old, and only within this
 * process's life. A command's changes are held until it commits and are dropped if it fails.
 *
 * The history starts with the first change stream opened: a store nobody watches (the server's
 * own, on its private socket) keeps no documents alive for it. A token always comes from a
 * stream, so nothing a client can resume from is missing; an earlier `startAtOperationTime`
 * answers ChangeStreamHistoryLost.
 */
export class ChangeLog {
  readonly clock: ClusterClock;
  /** This process's mark in resume tokens. */
  readonly instance = newStoreInstance();
  readonly #capacity: number;
  readonly #entries: ChangeEntry[] = [];
  readonly #listeners = new Set<() => void>();
  #pending: ChangeEntry[] | undefined;
  /** Changes at or before this time are no longer held (or happened before this process). */
  #floor: ClusterTime;
  #recording = false;
  #lastWriteAt = Date.now();

  constructor(capacity: number, now?: () => number) {
    this.#capacity = Math.max(1, capacity);
    this.clock = new ClusterClock(now);
    this.#floor = this.clock.current;
  }

  /** When the latest change was committed (the store's start before any). */
  get lastWriteDate(): Date {
    return new Date(this.#lastWriteAt);
  }

  /** Keeps the changes from now on (a change stream opens); the history starts here. */
  startRecording(): void {
    if (this.#recording) return;
    this.#recording = true;
    this.#floor = this.clock.current;
  }

  /** The earliest position a stream can resume from. */
  get floor(): ClusterTime {
    return this.#floor;
  }

  /** Runs one unit of work (a command, a TTL sweep): its changes are published only if it returns. */
  capture<T>(work: () => T): T {
    if (this.#pending) return work();
    const pending: ChangeEntry[] = [];
    this.#pending = pending;
    try {
      const result = work();
      this.#pending = undefined;
      if (pending.length > 0) this.#publish(pending);
      return result;
    } finally {
      this.#pending = undefined;
    }
  }

  record(change: NewChange): void {
    this.#lastWriteAt = Date.now();
    if (!this.#recording) return;
    const entry: ChangeEntry = { ...change, time: this.clock.tick(), wallTime: new Date() };
    if (this.#pending) this.#pending.push(entry);
    else this.#publish([entry]);
  }

  /** The held changes after `time`, oldest first. */
  after(time: ClusterTime): ChangeEntry[] {
    const entries = this.#entries;
    let low = 0;
    let high = entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((entries[middle] as ChangeEntry).time <= time) low = middle + 1;
      else high = middle;
    }
    return entries.slice(low);
  }

  /** Calls `listener` after each commit that made changes; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #publish(entries: ChangeEntry[]): void {
    for (const entry of entries) this.#entries.push(entry);
    // Trimmed in steps (a quarter of the capacity at a time), not one shift per change.
    const excess = this.#entries.length - this.#capacity;
    if (excess > 0 && excess >= Math.max(1, this.#capacity >> 2)) {
      const dropped = this.#entries.splice(0, excess);
      this.#floor = (dropped[dropped.length - 1] as ChangeEntry).time;
    }
    for (const listener of this.#listeners) listener();
  }
}
