import { describe, expect, it } from 'vitest';
import { defaultIndexName, normaliseIndexSpec } from '../../../../src/db/embedded/commands/indexes.js';
import { CursorRegistry } from '../../../../src/db/embedded/engine/cursor-registry.js';
import { expiryOf } from '../../../../src/db/embedded/engine/ttl-expiries.js';

describe('index specs', () => {
  it('names an index after its key pattern as mongod does', () => {
    expect(defaultIndexName({ a: 1, 'b.c': -1 })).toBe('a_1_b.c_-1');
  });

  it('drops false unique and sparse flags and the legacy background option', () => {
    expect(normaliseIndexSpec({ key: { a: 1 }, name: 'a_1', unique: false, sparse: false, background: true })).toEqual({
      v: 2,
      key: { a: 1 },
      name: 'a_1',
    });
  });

  it('refuses a TTL on a compound index', () => {
    expect(() => normaliseIndexSpec({ key: { a: 1, b: 1 }, expireAfterSeconds: 5 })).toThrow(expect.objectContaining({ code: 72 }));
  });

  it('refuses a zero in the key pattern', () => {
    expect(() => normaliseIndexSpec({ key: { a: 0 } })).toThrow(expect.objectContaining({ code: 67 }));
  });
});

describe('expiryOf', () => {
  it('expires on the earliest date of the field', () => {
    expect(expiryOf([new Date(5_000), new Date(1_000)], 10)).toBe(11_000);
  });

  it('never expires a document without a date', () => {
    expect(expiryOf(['soon', undefined], 10)).toBeUndefined();
  });
});

describe('CursorRegistry', () => {
  it('reaps cursors idle for longer than the timeout and keeps the others', () => {
    const registry = new CursorRegistry();
    const old = registry.open('db.c', [{}], 0);
    old.lastUsed = 0;
    const fresh = registry.open('db.c', [{}], 0);
    expect(registry.reapIdle(1_000, 10_000)).toBe(1);
    expect(registry.get(old.id)).toBeUndefined();
    expect(registry.get(fresh.id)).toBe(fresh);
  });

  it('gives every cursor a distinct id', () => {
    const registry = new CursorRegistry();
    expect(registry.open('db.c', [], 0).id).not.toBe(registry.open('db.c', [], 0).id);
  });
});
