import type { Models } from '../models/index.js';
import { writeErrorsOf } from '../utils/write-errors.js';

/** A ContentHistory row as the pipeline writes it (only fields with a value). */
export type ContentHistoryRow = Record<string, unknown>;

interface Waiting {
  row: ContentHistoryRow;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 500;

/**
 * ContentHistory rows by group commit, as ActivityService stores activity: a lone row is written
 * at once (next turn of the event loop), rows arriving during a write go together in the next
 * one. One insertMany of plain rows per round trip instead of a mongoose document and an insert
 * per delivery. `write()` resolves once its row is stored and rejects when the database refused it.
 */
export class ContentHistoryWriter {
  readonly #model: Models['ContentHistory'];
  #queue: Waiting[] = [];
  #writing = false;

  constructor(model: Models['ContentHistory']) {
    this.#model = model;
  }

  write(row: ContentHistoryRow): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ row: withoutUndefined(row), resolve, reject });
      this.#kick();
    });
  }

  #kick(): void {
    if (this.#writing || this.#queue.length === 0) return;
    this.#writing = true;
    // setImmediate, not a microtask: the other rows of this I/O turn join the same write.
    setImmediate(() => {
      void this.#writeBatch().finally(() => {
        this.#writing = false;
        this.#kick();
      });
    });
  }

  async #writeBatch(): Promise<void> {
    const batch = this.#queue.splice(0, MAX_BATCH);
    try {
      // Rows are built from validated values: no mongoose document, casting or validation.
      await this.#model.insertMany(
        batch.map((w) => w.row),
        { ordered: false, lean: true },
      );
      for (const w of batch) w.resolve();
    } catch (err) {
      const refused = new Map((writeErrorsOf(err) ?? []).map((e) => [e.index, e] as const));
      for (const [i, w] of batch.entries()) {
        // Without a per-row verdict the whole write failed.
        if (refused.size === 0 || refused.has(i)) w.reject(refused.size === 0 ? err : Object.assign(new Error('ContentHistory row refused'), refused.get(i)));
        else w.resolve();
      }
    }
  }
}

/** The driver would store an `undefined` field as null; mongoose's `create` left it out. */
function withoutUndefined(row: ContentHistoryRow): ContentHistoryRow {
  const out: ContentHistoryRow = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === undefined) continue;
    out[k] = v !== null && typeof v === 'object' && v.constructor === Object ? withoutUndefined(v as ContentHistoryRow) : v;
  }
  return out;
}
