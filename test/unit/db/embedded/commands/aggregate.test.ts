import { describe, expect, it } from 'vitest';
import { isReadOnlyPipeline } from '../../../../../src/db/embedded/commands/aggregate.js';

describe('isReadOnlyPipeline', () => {
  it('accepts stages that only read their input', () => {
    expect(isReadOnlyPipeline([{ $match: { a: 1 } }, { $group: { _id: '$a' } }, { $sort: { _id: 1 } }, { $limit: 2 }])).toBe(true);
  });

  it('rejects stages that write into their input', () => {
    expect(isReadOnlyPipeline([{ $addFields: { 'a.b': 1 } }])).toBe(false);
    expect(isReadOnlyPipeline([{ $unwind: '$a' }])).toBe(false);
  });

  it('looks inside $facet branches and $lookup sub-pipelines', () => {
    expect(isReadOnlyPipeline([{ $facet: { x: [{ $count: 'n' }], y: [{ $set: { a: 1 } }] } }])).toBe(false);
    expect(isReadOnlyPipeline([{ $facet: { x: [{ $count: 'n' }] } }])).toBe(true);
    expect(isReadOnlyPipeline([{ $lookup: { from: 'c', as: 'j', pipeline: [{ $set: { a: 1 } }] } }])).toBe(false);
  });
});
