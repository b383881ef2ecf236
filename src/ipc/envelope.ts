import { type TProperties, Type } from 'typebox';
import { PROTOCOL_VERSION } from './ops.js';

/**
 * The schema of one message: the version `v`, the `type` discriminator, and its own fields.
 * A message's own fields are closed (both sides build messages from these types); the payloads
 * it carries (an event, a rendered message, settings) stay open, as JSON schemas are by default.
 */
export function envelope<const T extends string, P extends TProperties>(type: T, fields: P) {
  return Type.Object(
    { v: Type.Literal(PROTOCOL_VERSION), type: Type.Literal(type), ...fields },
    { additionalProperties: false },
  );
}
