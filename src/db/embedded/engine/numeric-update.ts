import { Decimal128, Double, Long } from 'bson';
import type { Doc } from '../bson/values.js';
import { bsonTypeOf, formatValue, getPath, isInt32, numberOf, toView, typeName } from '../bson/values.js';
import { CommandError } from '../errors.js';
import { setPath } from './set-path.js';

// $inc/$mul/$min/$max with mongod's BSON type promotion (int32 → int64 on overflow, any double
// makes a double, int64 stays int64), which mingo's operators do not know.


export const NUMERIC_OPERATORS = { $inc: 'increment', $mul: 'multiply', $min: 'min', $max: 'max' } as const;
export type NumericOperator = keyof typeof NUMERIC_OPERATORS;
type NumericKind = 'int' | 'long' | 'double' | 'decimal';
const KIND_RANK: Record<NumericKind, number> = { int: 0, long: 1, double: 2, decimal: 3 };

function kindOf(value: unknown): NumericKind | undefined {
  if (typeof value === 'number') return isInt32(value) ? 'int' : 'double';
  switch (bsonTypeOf(value)) {
    case 'Int32':
      return 'int';
    case 'Long':
      return 'long';
    case 'Double':
      return 'double';
    case 'Decimal128':
      return 'decimal';
    default:
      return undefined;
  }
}

/**
 * Applies $inc/$mul/$min/$max on plain dotted paths here, keeping mongod's numeric types; returns
 * the fields left for mingo (positional paths, and $min/$max between non-numbers such as dates).
 */
export function applyNumeric(doc: Doc, operator: NumericOperator, fields: Doc): Doc {
  const remaining: Doc = {};
  for (const [path, operand] of Object.entries(fields)) {
    if (path.includes('$')) {
      remaining[path] = toView(operand);
      continue;
    }
    const operandKind = kindOf(operand);
    const current = getPath(doc, path);
    const currentKind = kindOf(current);
    if (operator === '$min' || operator === '$max') {
      if (current === undefined) setPath(doc, path, operand);
      else if (operandKind && currentKind) {
        const a = numberOf(operand) as number;
        const b = numberOf(current) as number;
        if (operator === '$min' ? a < b : a > b) setPath(doc, path, operand);
      } else remaining[path] = operand;
      continue;
    }
    const verb = operator === '$inc' ? 'increment' : 'multiply';
    if (!operandKind) {
      throw new CommandError('TypeMismatch', `Cannot ${verb} with non-numeric argument: {${path}: ${formatValue(operand)}}`);
    }
    if (current !== undefined && currentKind === undefined) {
      throw new CommandError(
        'TypeMismatch',
        `Cannot apply ${operator} to a value of non-numeric type. {_id: ${formatValue(doc._id)}} has the field '${path.split('.').pop()}' of non-numeric type ${typeName(current)}`,
      );
    }
    const base = current === undefined ? (operator === '$inc' ? 0 : zeroOf(operandKind)) : current;
    setPath(doc, path, current === undefined && operator === '$mul' ? base : arithmetic(operator, base, operand));
  }
  return remaining;
}

function zeroOf(kind: NumericKind): unknown {
  switch (kind) {
    case 'long':
      return Long.fromNumber(0);
    case 'double':
      return new Double(0);
    case 'decimal':
      return Decimal128.fromString('0');
    default:
      return 0;
  }
}

function arithmetic(operator: '$inc' | '$mul', a: unknown, b: unknown): unknown {
  const kindA = kindOf(a) ?? 'int';
  const kindB = kindOf(b) ?? 'int';
  const kind = KIND_RANK[kindA] >= KIND_RANK[kindB] ? kindA : kindB;
  if (kind === 'long' || kind === 'int') {
    const x = toBigInt(a);
    const y = toBigInt(b);
    const result = operator === '$inc' ? x + y : x * y;
    if (kind === 'int' && result >= -2_147_483_648n && result <= 2_147_483_647n) return Number(result);
    return Long.fromBigInt(result);
  }
  const x = numberOf(a) as number;
  const y = numberOf(b) as number;
  const result = operator === '$inc' ? x + y : x * y;
  if (kind === 'decimal') return Decimal128.fromString(String(result));
  return isInt32(result) || Object.is(result, -0) ? new Double(result) : result;
}

function toBigInt(value: unknown): bigint {
  if (bsonTypeOf(value) === 'Long') return (value as Long).toBigInt();
  return BigInt(numberOf(value) as number);
}
