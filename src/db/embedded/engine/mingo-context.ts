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
import { Query } from 'mingo/query';
import { isPlainObject } from '../bson/values.js';
import { extremeExpressions } from './extreme-expressions.js';
import { linearOf } from './linear-regex.js';

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

/** mongod's `$project` gives `_id` first (mingo puts it after the projected fields). */
const $project: PipelineOperator = (collection, expr, options) =>
  pipelineOperators.$project(collection, expr, options).map((doc) => {
    const fields = doc as AnyObject;
    if (!('_id' in fields) || Object.keys(fields)[0] === '_id') return fields;
    const { _id, ...rest } = fields;
    return { _id, ...rest };
  });

type QueryOperator = (selector: string, value: unknown, options: Options) => (doc: AnyObject) => boolean;

/** Wraps a query operator so the regexes in its operand match on RE2 (see LinearRegExp). */
function linearRegexes(operator: unknown, operand: (value: unknown) => unknown): QueryOperator {
  return (selector, value, options) => (operator as QueryOperator)(selector, operand(value), options);
}
const linearItems = (value: unknown): unknown => (Array.isArray(value) ? value.map(linearOf) : value);

const elemMatchAll = linearRegexes(queryOperators.$all, linearItems);

/**
 * mongod's `$all` is an `$and` of equalities (so `{tag: {$all: ['a']}}` matches `tag: 'a'`, and an
 * array element or the array itself may match each value); mingo's needs an array field.
 */
const $all: QueryOperator = (selector, value, options) => {
  if (!Array.isArray(value) || value.some((item) => isPlainObject(item) && '$elemMatch' in item)) {
    return elemMatchAll(selector, value, options);
  }
  if (value.length === 0) return () => false;
  const query = new Query({ $and: (value as unknown[]).map((item) => ({ [selector]: item })) }, options);
  return (doc) => query.test(doc);
};

/** Query operators whose operand may hold regexes, matching in linear time, and $all. */
const linearQueryOperators = {
  $regex: linearRegexes(queryOperators.$regex, linearOf),
  $in: linearRegexes(queryOperators.$in, linearItems),
  $nin: linearRegexes(queryOperators.$nin, linearItems),
  $all,
};

/** Every mingo operator, with the $lookup and $project fixes, linear-time regexes and mongod's $max/$min expressions. */
export const MINGO_CONTEXT = Context.init({
  accumulator: accumulatorOperators,
  expression: { ...expressionOperators, ...extremeExpressions },
  pipeline: { ...pipelineOperators, $lookup, $project },
  projection: projectionOperators,
  query: { ...queryOperators, ...linearQueryOperators },
  window: windowOperators,
});

export interface AggregatorOptions {
  collectionResolver?: (name: string) => AnyObject[];
  collation?: AnyObject | undefined;
  /** The command's `let` variables. */
  variables?: Readonly<AnyObject> | undefined;
}

export function makeAggregator(pipeline: AnyObject[], options: AggregatorOptions = {}): Aggregator {
  return new Aggregator(pipeline, { ...options, context: MINGO_CONTEXT, collation: options.collation as never });
}
