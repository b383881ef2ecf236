import type { Models } from '../models/index.js';
import { GroupCommit } from '../utils/group-commit.js';
import { writeErrorsOf } from '../utils/write-errors.js';

/** A ContentHistory row as the pipeline writes it (only fields with a value). */
export type ContentHistoryRow = Record<string, unknown>;

interface Waiting {
  row: ContentHistoryRow;
  resolve: (written: boolean) => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 500;

export interface ContentHistoryWriterOptions {
  /**
   * How long a row waits for others before a write starts. 0: a lone row is written at once
   * (next turn of the event loop). @defaultValue 0
   */
  gatherMs?: number;
  /** Checked for each row just before its write: a row it refuses is dropped. @defaultValue keep all */
  keep?: (row: ContentHistoryRow) => boolean;
}

/**
 * ContentHistory rows by group commit: rows arriving while a write runs (or within `gatherMs` of
 * the first) go together in the next write. One `insert` command of plain rows (`insertPlain`) per round trip instead
 * of a mongoose document and an insert per delivery. `write()` resolves once its row is stored
 * (true) or dropped by `keep` (false), and rejects when the database refused it.
 */
export class ContentHistoryWriter {
  readonly #model: Models['ContentHistory'];
  readonly #keep: ((row: ContentHistoryRow) => boolean) | undefined;
  #queue: Waiting[] = [];
  readonly #commit: GroupCommit;

  constructor(model: Models['ContentHistory'], opts: ContentHistoryWriterOptions = {}) {
    this.#model = model;
    this.#commit = new GroupCommit(() => this.#writeBatch(), () => this.#queue.length > 0, opts.gatherMs ?? 0);
    this.#keep = opts.keep;
  }

  write(row: ContentHistoryRow): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ row: withoutUndefined(row), resolve, reject });
      this.#commit.kick();
    });
  }

  async #writeBatch(): Promise<void> {
    const taken = this.#queue.splice(0, MAX_BATCH);
    const batch: Waiting[] = [];
    for (const w of taken) {
      if (this.#keep === undefined || this.#keep(w.row)) batch.push(w);
      else w.resolve(false);
    }
    if (batch.length === 0) return;
    try {
      // Rows are built from validated values: no mongoose document, casting or validation.
      await this.#model.insertPlain(batch.map((w) => w.row));
      for (const w of batch) w.resolve(true);
    } catch (err) {
      const refused = new Map((writeErrorsOf(err) ?? []).map((e) => [e.index, e] as const));
      for (const [i, w] of batch.entries()) {
        // Without a per-row verdict the whole write failed.
        if (refused.size === 0 || refused.has(i)) w.reject(refused.size === 0 ? err : Object.assign(new Error('ContentHistory row refused'), refused.get(i)));
        else w.resolve(true);
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
