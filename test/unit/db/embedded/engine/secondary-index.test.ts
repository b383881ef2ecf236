import { describe, expect, it } from 'vitest';
import { SecondaryIndex } from '../../../../../src/db/embedded/engine/secondary-index.js';

function indexWith(spec: Record<string, unknown>, docs: Array<[string, Record<string, unknown>]>): SecondaryIndex {
  const index = new SecondaryIndex({ v: 2, name: 'i', ...spec });
  for (const [id, doc] of docs) index.add(id, index.entriesFor(doc, doc));
  return index;
}

describe('SecondaryIndex', () => {
  it('finds the documents holding an equal value without scanning', () => {
    const index = indexWith({ key: { email: 1 } }, [
      ['1', { email: 'a' }],
      ['2', { email: 'b' }],
    ]);
    expect(index.lookup({ email: 'b' })).toEqual(new Set(['2']));
    expect(index.lookup({ email: { $in: ['a', 'b'] } })).toEqual(new Set(['1', '2']));
  });

  it('declines a lookup for conditions other than equality', () => {
    const index = indexWith({ key: { n: 1 } }, [['1', { n: 1 }]]);
    expect(index.lookup({ n: { $gt: 0 } })).toBeUndefined();
    expect(index.lookup({ other: 1 })).toBeUndefined();
  });

  it('reports a conflict with another document in a unique index', () => {
    const index = indexWith({ key: { email: 1 }, unique: true }, [['1', { email: 'a' }]]);
    const doc = { email: 'a' };
    const conflict = index.conflictOf(index.entriesFor(doc, doc), '2');
    expect(conflict && index.keyValueOf(conflict)).toEqual({ email: 'a' });
    expect(index.conflictOf(index.entriesFor(doc, doc), '1')).toBeUndefined();
  });

  it('indexes each element of an array field', () => {
    const index = indexWith({ key: { tags: 1 } }, [['1', { tags: ['x', 'y'] }]]);
    expect(index.lookup({ tags: 'y' })).toEqual(new Set(['1']));
  });

  it('leaves out documents without the field when sparse', () => {
    const index = new SecondaryIndex({ v: 2, name: 'i', key: { a: 1 }, sparse: true, unique: true });
    expect(index.entriesFor({ b: 1 }, { b: 1 })).toEqual([]);
  });

  it('leaves out documents the partial filter does not select', () => {
    const index = new SecondaryIndex({ v: 2, name: 'i', key: { a: 1 }, partialFilterExpression: { live: true } });
    expect(index.entriesFor({ a: 1, live: false }, { a: 1, live: false })).toEqual([]);
    expect(index.entriesFor({ a: 1, live: true }, { a: 1, live: true })).toHaveLength(1);
  });

  it('keys a compound index on the combination of its fields', () => {
    const index = indexWith({ key: { a: 1, b: 1 }, unique: true }, [['1', { a: 1, b: 1 }]]);
    const same = { a: 1, b: 1 };
    const other = { a: 1, b: 2 };
    expect(index.conflictOf(index.entriesFor(same, same), '2')).toBeDefined();
    expect(index.conflictOf(index.entriesFor(other, other), '2')).toBeUndefined();
    expect(index.lookup({ a: 1, b: 1 })).toEqual(new Set(['1']));
  });

  it('answers equality on the leading fields of a compound index', () => {
    const index = indexWith({ key: { account: 1, at: -1, _id: -1 } }, [
      ['1', { _id: 1, account: 'a', at: 1 }],
      ['2', { _id: 2, account: 'a', at: 2 }],
      ['3', { _id: 3, account: 'b', at: 1 }],
    ]);
    expect(index.lookup({ account: 'a' })).toEqual(new Set(['1', '2']));
    expect(index.lookup({ account: 'a', at: 2 })).toEqual(new Set(['2']));
    expect(index.lookup({ at: 1 })).toBeUndefined();
  });

  it('forgets a document that is removed', () => {
    const doc = { email: 'a' };
    const index = indexWith({ key: { email: 1 } }, [['1', doc]]);
    index.remove('1', index.entriesFor(doc, doc));
    expect(index.lookup({ email: 'a' })).toEqual(new Set());
  });
});
