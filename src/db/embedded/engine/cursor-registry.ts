import type { Doc } from '../bson/values.js';

/** A server-side cursor: the rest of a result set waiting for getMore. */
export interface OpenCursor {
  readonly id: bigint;
  /** `db.collection` as reported in replies; getMore must name the same collection. */
  readonly ns: string;
  readonly docs: Doc[];
  position: number;
  lastUsed: number;
}

/**
 * Open cursors by id. Results are materialised when the cursor opens (a snapshot), so a cursor is
 * just an array and a position; idle cursors are reaped like mongod's cursorTimeoutMillis.
 */
export class CursorRegistry {
  readonly #cursors = new Map<bigint, OpenCursor>();
  // Start somewhere arbitrary so ids from a previous run are unlikely to be valid again.
  #nextId = BigInt(Math.floor(Math.random() * 2 ** 40)) + 1n;

  /** A fresh cursor id (change streams keep their cursors apart but share the ids). */
  allocateId(): bigint {
    return this.#nextId++;
  }

  open(ns: string, docs: Doc[], position: number): OpenCursor {
    const cursor: OpenCursor = { id: this.allocateId(), ns, docs, position, lastUsed: Date.now() };
    this.#cursors.set(cursor.id, cursor);
    return cursor;
  }

  get(id: bigint): OpenCursor | undefined {
    const cursor = this.#cursors.get(id);
    if (cursor) cursor.lastUsed = Date.now();
    return cursor;
  }

  close(id: bigint): boolean {
    return this.#cursors.delete(id);
  }

  /** Closes cursors idle for longer than `timeoutMs`; returns how many. */
  reapIdle(timeoutMs: number, now = Date.now()): number {
    let reaped = 0;
    for (const [id, cursor] of this.#cursors) {
      if (now - cursor.lastUsed > timeoutMs) {
        this.#cursors.delete(id);
        reaped++;
      }
    }
    return reaped;
  }

  get size(): number {
    return this.#cursors.size;
  }

  clear(): void {
    this.#cursors.clear();
  }
}
