import { type TLiteral, type TSchemaOptions, type TUnion, Type } from 'typebox';

type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

/**
 * A TypeBox union of string literals built from a const list, so one list feeds the mongoose
 * `enum`, the API schema and the `Static<>` type.
 */
export function LiteralUnion<const T extends readonly string[]>(values: T, options?: TSchemaOptions): TUnion<Literals<T>> {
  return Type.Union(values.map((value) => Type.Literal(value)), options) as unknown as TUnion<Literals<T>>;
}
