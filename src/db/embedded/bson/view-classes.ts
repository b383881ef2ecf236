import { Binary, DBRef } from 'bson';

const hex = (value: number, width: number): string => value.toString(16).padStart(width, '0');

/**
 * A Binary as the query engine sees it. mingo orders and compares objects of one class by their
 * `toString()`, so this one returns a key that sorts as mongod orders BinData — by length, then
 * subtype, then bytes — and that equals another's only for the same subtype and bytes. It is still
 * a Binary, so documents built from views serialise unchanged.
 */
export class BinaryView extends Binary {
  readonly #order: string;

  constructor(source: Binary) {
    const bytes = source.buffer.subarray(0, source.position);
    super(bytes, source.sub_type);
    this.#order = `${hex(bytes.length, 8)}${hex(source.sub_type, 2)}${Buffer.from(bytes).toString('hex')}`;
  }

  override toString(encoding?: 'hex' | 'base64' | 'utf8' | 'utf-8'): string {
    return encoding === undefined ? this.#order : super.toString(encoding);
  }
}

/**
 * A DBRef as the query engine sees it: mongod stores a DBRef as the document `{$ref, $id, $db}`,
 * so paths such as `ref.$id` reach its parts. Still a DBRef for equality and serialisation.
 */
export class DBRefView extends DBRef {
  constructor(source: DBRef) {
    super(source.collection, source.oid, source.db, source.fields);
  }

  get $ref(): string {
    return this.collection;
  }

  get $id(): unknown {
    return this.oid;
  }

  get $db(): string | undefined {
    return this.db;
  }
}
