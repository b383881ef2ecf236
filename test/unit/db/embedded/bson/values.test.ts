import { calculateObjectSize, Decimal128, Double, Int32, Long, ObjectId, serializeWithBufferAndIndex } from 'bson';
import { describe, expect, it } from 'vitest';
import { encodeDocument, formatDocument, keyOf, toStored, toView, valuesAtPath } from '../../../../../src/db/embedded/bson/values.js';

describe('toStored', () => {
  it('turns int32 into a plain number', () => {
    expect(toStored(new Int32(7))).toBe(7);
  });

  it('keeps an integral double wrapped so it is written back as a double', () => {
    const value = toStored(new Double(7));
    expect(value).toBeInstanceOf(Double);
  });

  it('turns a fractional double into a plain number', () => {
    expect(toStored(new Double(0.5))).toBe(0.5);
  });

  it('converts nested documents and arrays in place', () => {
    expect(toStored({ a: [new Int32(1), { b: new Double(2.5) }] })).toEqual({ a: [1, { b: 2.5 }] });
  });
});

describe('toView', () => {
  it('returns the same object when nothing needs converting', () => {
    const doc = { a: 1, b: { c: 'x' }, d: [1, 2] };
    expect(toView(doc)).toBe(doc);
  });

  it('replaces Long, Double and Decimal128 by numbers and shares unchanged subtrees', () => {
    const untouched = { keep: true };
    const doc = { n: Long.fromNumber(5), d: new Double(2), m: Decimal128.fromString('1.5'), untouched };
    const view = toView(doc) as Record<string, unknown>;
    expect(view).toEqual({ n: 5, d: 2, m: 1.5, untouched });
    expect(view.untouched).toBe(untouched);
    expect(doc.n).toBeInstanceOf(Long);
  });
});

describe('keyOf', () => {
  it('gives numerically equal values of different BSON types the same key', () => {
    expect(keyOf(1)).toBe(keyOf(new Double(1)));
    expect(keyOf(1)).toBe(keyOf(Long.fromNumber(1)));
    expect(keyOf(0)).toBe(keyOf(-0));
  });

  it('distinguishes a number from the same digits as a string', () => {
    expect(keyOf(1)).not.toBe(keyOf('1'));
  });

  it('gives null and a missing value the same key', () => {
    expect(keyOf(null)).toBe(keyOf(undefined));
  });

  it('distinguishes documents whose fields come in a different order', () => {
    expect(keyOf({ a: 1, b: 2 })).not.toBe(keyOf({ b: 2, a: 1 }));
  });

  it('keeps large Longs apart that a double could not tell apart', () => {
    expect(keyOf(Long.fromString('9007199254740993'))).not.toBe(keyOf(Long.fromString('9007199254740992')));
  });

  it('keys ObjectIds by their hex string', () => {
    const id = new ObjectId();
    expect(keyOf(new ObjectId(id.toHexString()))).toBe(keyOf(id));
  });

  it('cannot be fooled by separators inside strings', () => {
    expect(keyOf(['a,s1:b'])).not.toBe(keyOf(['a', 'b']));
  });
});

describe('valuesAtPath', () => {
  it('fans out over arrays met on the way, as a multikey index does', () => {
    expect(valuesAtPath({ a: [{ b: 1 }, { b: [2, 3] }, {}] }, 'a.b')).toEqual([1, 2, 3, undefined]);
  });

  it('reads an array index given as a path part', () => {
    expect(valuesAtPath({ a: [{ b: 1 }, { b: 2 }] }, 'a.1.b')).toEqual([2]);
  });

  it('yields undefined for a missing path and an empty array marker for an empty array', () => {
    expect(valuesAtPath({}, 'x.y')).toEqual([undefined]);
    expect(valuesAtPath({ x: [] }, 'x')).toEqual([[]]);
  });
});

describe('formatDocument', () => {
  it('renders values the way mongod prints dup keys', () => {
    const id = new ObjectId('65f000000000000000000001');
    expect(formatDocument({ _id: id, email: 'a@x.io', n: 1, at: new Date(5), none: null })).toBe(
      `{ _id: ObjectId('65f000000000000000000001'), email: "a@x.io", n: 1, at: new Date(5), none: null }`,
    );
  });
});

describe('encodeDocument', () => {
  const exact = (doc: Record<string, unknown>): Buffer => {
    const buffer = Buffer.alloc(calculateObjectSize(doc));
    serializeWithBufferAndIndex(doc, buffer);
    return buffer;
  };

  it('gives the exact bytes of a document', () => {
    const doc = { _id: new ObjectId(), n: Long.fromNumber(5), at: new Date(0), nested: { list: [1, 'two', null], bin: Buffer.from([1, 2]) } };
    expect(encodeDocument(doc).equals(exact(doc))).toBe(true);
  });

  it('gives a document larger than bson\'s 17 MiB scratch buffer its true size', () => {
    const doc = { s: 'x'.repeat(18 * 1024 * 1024) };
    expect(encodeDocument(doc).length).toBe(calculateObjectSize(doc));
  });
});
