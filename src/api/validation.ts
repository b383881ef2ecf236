/**
 * Request validation: bodies are checked as sent (no type coercion: `"false"` is not a boolean,
 * `["x"]` is not a string) while query strings and path params may coerce, since they only
 * carry text. Errors name the field and the problem in plain words.
 */
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifySchemaValidationError, FastifyServerOptions } from 'fastify';
import type { SchemaErrorDataVar } from 'fastify/types/schema.js';

type BuildValidator = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator'];
type AjvServerOptions = Parameters<ReturnType<typeof AjvCompiler>>[1];

/** Fastify's own validator compiler, twice: without coercion for bodies, as configured for the rest. */
export const buildValidator: BuildValidator = (externalSchemas, ajvOptions) => {
  const options = (ajvOptions ?? {}) as NonNullable<AjvServerOptions>;
  const coercing = AjvCompiler()(externalSchemas, options);
  const exact = AjvCompiler()(externalSchemas, {
    ...options,
    customOptions: { ...options.customOptions, coerceTypes: false },
  } as NonNullable<AjvServerOptions>);
  return (route) => (route.httpPart === 'body' ? exact(route) : coercing(route));
};

/** `/settings/triggers/1/name` → `settings.triggers[1].name`; `prefix` names the request part. */
function fieldPath(instancePath: string, prefix: string, child?: string): string {
  const segments = instancePath.split('/').slice(1);
  if (child !== undefined) segments.push(child);
  let path = prefix;
  for (const s of segments) path += /^\d+$/.test(s) ? `[${s}]` : path ? `.${s}` : s;
  return path;
}

const article = (type: string) => (type === 'null' ? type : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** One readable sentence for the errors Ajv reports at the most specific place. */
function describe(errors: FastifySchemaValidationError[], prefix: string): string {
  const at = (e: FastifySchemaValidationError, child?: string) => fieldPath(e.instancePath, prefix, child) || 'body';
  // An unknown field is the most telling problem wherever it sits (often inside one union branch).
  const unknown = errors.find((e) => e.keyword === 'additionalProperties');
  if (unknown) return `${at(unknown, String(unknown.params.additionalProperty))}: unknown field`;
  const missing = errors.find((e) => e.keyword === 'required');
  const concrete = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
  const depth = (e: FastifySchemaValidationError) => e.instancePath.split('/').length;
  const deepest = Math.max(...concrete.map(depth));
  const here = concrete.filter((e) => depth(e) === deepest);
  const first = here[0];
  if (!first) return 'invalid request';
  if (missing && depth(missing) === deepest && here.every((e) => e.keyword !== 'const' && e.keyword !== 'enum')) {
    return `${at(missing, String(missing.params.missingProperty))}: is required`;
  }
  const choices = here.flatMap((e) =>
    e.keyword === 'const' ? [e.params.allowedValue] : e.keyword === 'enum' ? (e.params.allowedValues as unknown[]) : [],
  );
  if (choices.length > 0) return `${at(first)}: must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`;
  const types = here.filter((e) => e.keyword === 'type').flatMap((e) => String(e.params.type).split(','));
  if (types.length === here.length) return `${at(first)}: must be ${types.map(article).join(' or ')}`;
  const specific = here.find((e) => e.keyword !== 'type') ?? first;
  return `${at(specific)}: ${specific.message ?? 'is invalid'}`;
}

/** Fastify's `schemaErrorFormatter`: body fields are named bare, other parts with their prefix. */
export function formatSchemaErrors(errors: FastifySchemaValidationError[], dataVar: SchemaErrorDataVar): Error {
  return new Error(describe(errors, dataVar === 'body' ? '' : dataVar));
}
