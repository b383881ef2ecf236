import { Type, type Static, type TSchema } from 'typebox';

/** Shared schema primitives. Routes import `Type` and these from here only. */
export { Type, type Static };

export const ObjectIdString = Type.String({
  pattern: '^[0-9a-fA-F]{24}$',
  description: 'A 24-character hex id',
  examples: ['665f1c2e8b3f4a0012345678'],
});

export { Snowflake } from '../domain/snowflake.js';

export const IsoDate = Type.String({ format: 'date-time', examples: ['2026-11-25T19:00:00.000Z'] });

export const ErrorBody = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    message: Type.String(),
    code: Type.String({ description: 'What went wrong, for programs: VALIDATION_ERROR, NOT_FOUND, RATE_LIMITED, …' }),
  },
  { description: 'Every error answers with this shape' },
);

/** Error responses a route declares, by status. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorBody]));
}

export const PageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
});

/** One pagination convention: `items` plus an opaque `nextCursor` (null on the last page). */
export function Page<T extends TSchema>(item: T, name: string) {
  return Type.Object(
    { items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) },
    { description: `A page of ${name}, newest first` },
  );
}

export const IdParams = Type.Object({ id: Type.String({ description: 'Account id' }) });
