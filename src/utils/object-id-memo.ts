import type { Types } from 'mongoose';
import { toObjectId } from './cursor.js';

/**
 * `toObjectId` remembered per id string, for ids the event path sees again and again (an
 * account's id, on every row of its events): one parse per account instead of one per row
 * (validity check, pattern test and hex decoding each time). Rows that share the ObjectId only
 * hand it to BSON, which reads it. Bounded: past `max` ids it starts over.
 */
export class ObjectIdMemo {
  readonly #ids = new Map<string, Types.ObjectId>();
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  /** The id's ObjectId (the same instance each time), or undefined when it is not one. */
  of(id: string): Types.ObjectId | undefined {
    const known = this.#ids.get(id);
    if (known !== undefined) return known;
    const parsed = toObjectId(id);
    if (parsed === undefined) return undefined;
    if (this.#ids.size >= this.#max) this.#ids.clear();
    this.#ids.set(id, parsed);
    return parsed;
  }
}
