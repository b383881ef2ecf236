import { describe, expect, it } from 'vitest';
import { describeUpdate } from '../../../../../src/db/embedded/changes/update-description.js';

// updateDescription of an update event: fields by the paths the update named, as mongod reports them.

describe('describeUpdate', () => {
  const before = { _id: 1, lease: { owner: 'a', expiresAt: 1 }, tags: ['x', 'y', 'z'], n: 1, old: true };

  it('names a sub-document set whole by its own path, and a nested field set by its dotted path', () => {
    expect(describeUpdate(before, { ...before, lease: { owner: 'b', expiresAt: 1 } }, { $set: { lease: { owner: 'b', expiresAt: 1 } } })).toEqual({
      updatedFields: { lease: { owner: 'b', expiresAt: 1 } },
      removedFields: [],
      truncatedArrays: [],
    });
    expect(describeUpdate(before, { ...before, lease: { owner: 'b', expiresAt: 1 } }, { $set: { 'lease.owner': 'b', 'lease.expiresAt': 1 } })).toEqual({
      updatedFields: { 'lease.owner': 'b' },
      removedFields: [],
      truncatedArrays: [],
    });
  });

  it('reports renamed and unset fields as removed, and leaves out fields set to the value they had', () => {
    const { old: _old, n, ...rest } = before;
    expect(describeUpdate(before, { ...rest, m: n }, { $rename: { n: 'm' }, $unset: { old: '' }, $set: { tags: before.tags } })).toEqual({
      updatedFields: { m: 1 },
      removedFields: ['n', 'old'],
      truncatedArrays: [],
    });
  });

  it('reports arrays changed by array operators element by element, with the new size when shortened', () => {
    expect(describeUpdate(before, { ...before, tags: ['x', 'z'] }, { $pull: { tags: 'y' } })).toEqual({
      updatedFields: { 'tags.1': 'z' },
      removedFields: [],
      truncatedArrays: [{ field: 'tags', newSize: 2 }],
    });
    expect(describeUpdate(before, { ...before, tags: ['q'] }, { $set: { tags: ['q'] } })).toMatchObject({ updatedFields: { tags: ['q'] }, truncatedArrays: [] });
  });

  it('diffs a pipeline update field by field', () => {
    const after = { ...before, lease: { owner: 'a', expiresAt: 2 } };
    expect(describeUpdate(before, after, [{ $set: { 'lease.expiresAt': 2 } }])).toEqual({
      updatedFields: { 'lease.expiresAt': 2 },
      removedFields: [],
      truncatedArrays: [],
    });
  });
});
