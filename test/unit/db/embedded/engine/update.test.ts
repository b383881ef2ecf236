import { Double, Long, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { applyUpdate, upsertSeed, validateUpdate } from '../../../../../src/db/embedded/engine/update.js';
import { CommandError } from '../../../../../src/db/embedded/errors.js';

const id = new ObjectId();
const existing = { filterView: {}, inserting: false };

describe('applyUpdate', () => {
  it('promotes an int32 field to int64 when $inc overflows it', () => {
    const { doc } = applyUpdate({ _id: id, n: 2_147_483_647 }, { $inc: { n: 1 } }, existing);
    expect(doc.n).toEqual(Long.fromNumber(2_147_483_648));
  });

  it('keeps a Long a Long under $inc', () => {
    const { doc } = applyUpdate({ _id: id, n: Long.fromString('9007199254740993') }, { $inc: { n: 1 } }, existing);
    expect(String(doc.n)).toBe('9007199254740994');
  });

  it('makes the result a double when a double takes part', () => {
    const { doc } = applyUpdate({ _id: id, n: 1 }, { $inc: { n: new Double(1) } }, existing);
    expect(doc.n).toBeInstanceOf(Double);
  });

  it('sets a missing field to zero of the operand type under $mul', () => {
    const { doc } = applyUpdate({ _id: id }, { $mul: { n: Long.fromNumber(3) } }, existing);
    expect(doc.n).toEqual(Long.fromNumber(0));
  });

  it('refuses $inc on a string field with TypeMismatch', () => {
    expect(() => applyUpdate({ _id: id, n: 'x' }, { $inc: { n: 1 } }, existing)).toThrow(expect.objectContaining({ code: 14 }));
  });

  it('applies $setOnInsert only while inserting', () => {
    const update = { $set: { a: 1 }, $setOnInsert: { b: 2 } };
    expect(applyUpdate({ _id: id }, update, existing).doc).toEqual({ _id: id, a: 1 });
    expect(applyUpdate({ _id: id }, update, { filterView: {}, inserting: true }).doc).toEqual({ _id: id, a: 1, b: 2 });
  });

  it('reports an update that changes nothing as not modified', () => {
    expect(applyUpdate({ _id: id, a: 1 }, { $set: { a: 1 } }, existing).modified).toBe(false);
  });

  it('counts a change of BSON type alone as a modification', () => {
    expect(applyUpdate({ _id: id, a: 1 }, { $set: { a: new Double(1) } }, existing).modified).toBe(true);
  });

  it('replaces the document but keeps _id first', () => {
    expect(applyUpdate({ _id: id, a: 1 }, { b: 2 }, existing).doc).toEqual({ _id: id, b: 2 });
  });

  it('refuses a replacement that changes _id', () => {
    expect(() => applyUpdate({ _id: id }, { _id: new ObjectId() }, existing)).toThrow(expect.objectContaining({ code: 66 }));
  });

  it('accepts $set of _id to its current value', () => {
    expect(applyUpdate({ _id: id, a: 1 }, { $set: { _id: id, a: 2 } }, existing).doc).toEqual({ _id: id, a: 2 });
  });

  it('uses mingo for array operators such as $addToSet and $pull', () => {
    const { doc } = applyUpdate({ _id: id, tags: ['a', 'b'], old: [1, 2] }, { $addToSet: { tags: 'c' }, $pull: { old: 1 } }, existing);
    expect(doc).toEqual({ _id: id, tags: ['a', 'b', 'c'], old: [2] });
  });

  it('refuses two operators on the same path with ConflictingUpdateOperators', () => {
    expect(() => validateUpdate({ $addToSet: { tags: 'c' }, $pull: { tags: 'a' } })).toThrow(expect.objectContaining({ code: 40 }));
  });
});

describe('upsertSeed', () => {
  it('takes equality conditions, including $eq and those under $and, as the new document', () => {
    expect(upsertSeed({ a: 1, b: { $eq: 2 }, c: { $gt: 3 }, $and: [{ 'd.e': 'x' }], f: /re/ })).toEqual({ a: 1, b: 2, d: { e: 'x' } });
  });
});

describe('validateUpdate', () => {
  it('refuses $inc and $set on the same path with ConflictingUpdateOperators', () => {
    expect(() => validateUpdate({ $inc: { n: 1 }, $set: { n: 2 } })).toThrow(expect.objectContaining({ code: 40 }));
  });

  it('refuses updates of a path and its parent', () => {
    expect(() => validateUpdate({ $set: { a: 1, 'a.b': 2 } })).toThrow(expect.objectContaining({ code: 40 }));
  });

  it('refuses an unknown operator with FailedToParse', () => {
    expect(() => validateUpdate({ $nope: { a: 1 } })).toThrow(expect.objectContaining({ code: 9 }));
  });

  it('refuses an operator whose argument is not a document', () => {
    expect(() => validateUpdate({ $set: 5 })).toThrow(CommandError);
  });

  it('accepts a pipeline of update stages', () => {
    expect(() => validateUpdate([{ $set: { a: 1 } }, { $unset: 'b' }])).not.toThrow();
  });
});

describe('applyUpdate: $set of plain paths', () => {
  it('sets nested fields in place, creates missing sub-documents, and keeps the field order', () => {
    const original = { _id: id, lease: { owner: 'n1', expiresAt: new Date(1) }, label: 'x' };
    const { doc } = applyUpdate(original, { $set: { 'lease.expiresAt': new Date(2), 'stats.seen': 3 } }, existing);
    expect(doc).toEqual({ _id: id, lease: { owner: 'n1', expiresAt: new Date(2) }, label: 'x', stats: { seen: 3 } });
    expect(Object.keys(doc)).toEqual(['_id', 'lease', 'label', 'stats']);
    expect(original.lease.expiresAt).toEqual(new Date(1));
  });

  it('stores a copy of the value, so documents updated by one command share nothing', () => {
    const value = { tags: ['a'] };
    const update = { $set: { meta: value } };
    const one = applyUpdate({ _id: id }, update, existing).doc;
    const two = applyUpdate({ _id: new ObjectId() }, update, existing).doc;
    (one.meta as { tags: string[] }).tags.push('b');
    expect(two.meta).toEqual({ tags: ['a'] });
    expect(value).toEqual({ tags: ['a'] });
  });

  it('still sets through arrays and refuses a field inside a scalar, as mongod does', () => {
    expect(applyUpdate({ _id: id, arr: [{ x: 1 }, { x: 2 }] }, { $set: { 'arr.1.x': 5 } }, existing).doc).toEqual({ _id: id, arr: [{ x: 1 }, { x: 5 }] });
    expect(() => applyUpdate({ _id: id, a: 1 }, { $set: { 'a.b': 2 } }, existing)).toThrow(CommandError);
  });
});

