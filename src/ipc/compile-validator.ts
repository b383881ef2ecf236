import type { Static, TObject, TSchema, TUnion } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import { Errors } from 'typebox/value';
import type { MessageValidator } from './parse-result.js';

/** Errors listed in a reason; the first ones are enough to see what is wrong. */
const MAX_ERRORS = 3;

const typeOf = (schema: TSchema): string => String(((schema as TObject).properties['type'] as { const?: unknown }).const);

/**
 * One compiled TypeBox validator over a direction's union of messages. It is compiled on first
 * use, so a process never pays for the direction it only sends.
 */
export function compileValidator<U extends TUnion<TObject[]>>(union: U): MessageValidator<Static<U>> {
  let compiled: Validator | undefined;
  const members = new Map(union.anyOf.map((schema) => [typeOf(schema), schema]));
  return {
    types: new Set(members.keys()),
    check: (raw: unknown): raw is Static<U> => (compiled ??= Compile(union)).Check(raw),
    fieldErrors(type, raw) {
      const schema = members.get(type);
      if (schema === undefined) return [];
      return Errors(schema, raw)
        .slice(0, MAX_ERRORS)
        .map((e) => `${e.instancePath || '/'} ${e.message}`);
    },
  };
}
