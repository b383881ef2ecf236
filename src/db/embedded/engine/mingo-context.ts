import { Aggregator } from 'mingo/aggregator';
import { Context } from 'mingo/core';
import type { Iterator } from 'mingo/lazy';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import type { AnyObject, Options } from 'mingo/types';

type PipelineOperator = (collection: Iterator, expr: AnyObject, options: Options) => Iterator;

/**
 * mingo 7.2's $lookup puts `undefined` into `as` when an array localField has elements without a
 * match (mongod gives only the matches); drop those.
 */
const $lookup: PipelineOperator = (collection, expr, options) => {
  const joined = (pipelineOperators.$lookup as unknown as PipelineOperator)(collection, expr, options);
  const as = String(expr.as);
  return joined.map((doc) => {
    const value = (doc as AnyObject)[as];
    if (Array.isArray(value) && value.includes(undefined)) (doc as AnyObject)[as] = value.filter((item) => item !== undefined);
    return doc;
  });
};

/** Every mingo operator, with the $lookup fix above. */
export const MINGO_CONTEXT = Context.init({
  accumulator: accumulatorOperators,
  expression: expressionOperators,
  pipeline: { ...pipelineOperators, $lookup },
  projection: projectionOperators,
  query: queryOperators,
  window: windowOperators,
});

export function makeAggregator(pipeline: AnyObject[], collectionResolver: (name: string) => AnyObject[]): Aggregator {
  return new Aggregator(pipeline, { context: MINGO_CONTEXT, collectionResolver });
}
