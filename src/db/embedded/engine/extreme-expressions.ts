import { evalExpr } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import type { AnyObject, Options } from 'mingo/types';

type ExpressionOperator = (obj: AnyObject, expr: unknown, options: Options) => unknown;
type Accumulator = (collection: unknown[], expr: unknown, options: Options) => unknown;

/**
 * mongod's `$max`/`$min` expressions: null and missing operands are ignored (null only when
 * nothing else is left), and a single operand that resolves to an array is traversed. mingo runs
 * its accumulator over the operand list, so a missing field won `{$max: ['$missing', 3]}` (null)
 * and `{$max: [[4, 9]]}` gave the array back.
 */
function extreme(accumulator: Accumulator): ExpressionOperator {
  return (obj, expr, options) => {
    const single = !Array.isArray(expr) || expr.length === 1;
    const operand: unknown = Array.isArray(expr) && expr.length === 1 ? (expr as unknown[])[0] : expr;
    const evaluated: unknown = single ? evalExpr(obj, operand, options) : (expr as unknown[]).map((item): unknown => evalExpr(obj, item, options));
    const values = single ? (Array.isArray(evaluated) ? evaluated : [evaluated]) : (evaluated as unknown[]);
    const present = values.filter((value) => value !== null && value !== undefined);
    return present.length === 0 ? null : accumulator(present, null, options);
  };
}

export const extremeExpressions = {
  $max: extreme(accumulatorOperators.$max as unknown as Accumulator),
  $min: extreme(accumulatorOperators.$min as unknown as Accumulator),
};
