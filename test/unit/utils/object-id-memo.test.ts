import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { toObjectId } from '../../../src/utils/cursor.js';
import { ObjectIdMemo } from '../../../src/utils/object-id-memo.js';

describe('ObjectIdMemo', () => {
  it('parses an id once and hands out the same ObjectId for it after', () => {
    const memo = new ObjectIdMemo();
    const hex = new Types.ObjectId().toHexString();
    const first = memo.of(hex);
    expect(first).toBeInstanceOf(Types.ObjectId);
    expect(first?.equals(toObjectId(hex) as Types.ObjectId)).toBe(true);
    expect(memo.of(hex)).toBe(first);
  });

  it('answers undefined for what toObjectId refuses, and remembers no more than its bound', () => {
    const memo = new ObjectIdMemo(2);
    expect(memo.of('not-an-id')).toBeUndefined();
    expect(memo.of('0123456789ab')).toBeUndefined(); // 12 characters: valid for bson, not a path id
    const [a, b, c] = [0, 1, 2].map(() => new Types.ObjectId().toHexString()) as [string, string, string];
    const first = memo.of(a);
    memo.of(b);
    memo.of(c); // full: starts over
    const again = memo.of(a);
    expect(again).not.toBe(first);
    expect(again?.toHexString()).toBe(a);
  });
});
