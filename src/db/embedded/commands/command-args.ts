import type { Doc } from '../bson/values.js';
import { isPlainObject, numberOf, typeName } from '../bson/values.js';
import { CommandError } from '../errors.js';

/** The collection named by the command's first field (`{find: "users"}`). */
export function targetCollection(command: Doc, commandName: string): string {
  const name = command[commandName];
  if (typeof name !== 'string') {
    throw new CommandError('InvalidNamespace', `collection name has invalid type ${typeName(name)}`);
  }
  return name;
}

export function optionalDocument(command: Doc, field: string): Doc | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    throw new CommandError('TypeMismatch', `BSON field '${field}' is the wrong type '${typeName(value)}', expected type 'object'`);
  }
  return value;
}

export function optionalNumber(command: Doc, field: string): number | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  const number = numberOf(value);
  if (number === undefined || Number.isNaN(number)) {
    throw new CommandError('TypeMismatch', `BSON field '${field}' is the wrong type '${typeName(value)}', expected a number`);
  }
  return number;
}

/** A non-negative count such as skip or batchSize. */
export function optionalCount(command: Doc, field: string): number | undefined {
  const number = optionalNumber(command, field);
  if (number !== undefined && number < 0) {
    throw new CommandError('BadValue', `BSON field '${field}' value must be >= 0, actual value '${number}'`);
  }
  return number === undefined ? undefined : Math.trunc(number);
}

export function optionalArray(command: Doc, field: string): unknown[] | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    throw new CommandError('TypeMismatch', `BSON field '${field}' is the wrong type '${typeName(value)}', expected type 'array'`);
  }
  return value as unknown[];
}

export function requiredArray(command: Doc, field: string, commandName: string): unknown[] {
  const value = optionalArray(command, field);
  if (!value) throw new CommandError('FailedToParse', `BSON field '${commandName}.${field}' is missing but a required field`);
  return value;
}

export function flag(command: Doc, field: string): boolean {
  const value = command[field];
  return value === true || (numberOf(value) ?? 0) !== 0;
}
