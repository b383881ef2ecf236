/**
 * What a parse of a received IPC message returns, and the checks around the validator: a
 * message that fails is explained (never thrown), so the receiver logs the reason and drops it.
 * Free of TypeBox, like `ops.ts`: the worker bundle carries a validator generated at build time.
 */
import { PROTOCOL_VERSION } from './ops.js';

export type ParseResult<M> = { ok: true; message: M } | ParseFailure;

export interface ParseFailure {
  ok: false;
  /** What is wrong, for the log: field paths and rules, never field values (an `init` holds the token). */
  reason: string;
  /** The envelope as received, when it was an object: lets the worker recognise an `init` of another version. */
  envelope?: { v: unknown; type: string | undefined };
}

/** One direction's check of the whole union of messages, and what explains a failure. */
export interface MessageValidator<M> {
  /** The `type` of every message of this direction. */
  types: ReadonlySet<string>;
  check(raw: unknown): raw is M;
  /** Why a message of a known type and version fails its schema ("/friends must be array"). */
  fieldErrors(type: string, raw: unknown): string[];
}

const MAX_TYPE_CHARS = 40;

export function parseWith<M>(validator: MessageValidator<M>, raw: unknown): ParseResult<M> {
  if (validator.check(raw)) return { ok: true, message: raw };
  return { ok: false, ...explain(validator, raw) };
}

function explain<M>(validator: MessageValidator<M>, raw: unknown): Omit<ParseFailure, 'ok'> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { reason: `not an object (${raw === null ? 'null' : Array.isArray(raw) ? 'array' : typeof raw})` };
  }
  const { v, type } = raw as { v?: unknown; type?: unknown };
  const envelope = { v, type: typeof type === 'string' ? type.slice(0, MAX_TYPE_CHARS) : undefined };
  if (v !== PROTOCOL_VERSION) {
    return { reason: `protocol version ${String(v).slice(0, MAX_TYPE_CHARS)}, expected ${PROTOCOL_VERSION}`, envelope };
  }
  if (envelope.type === undefined || !validator.types.has(envelope.type)) {
    return { reason: `unknown type ${JSON.stringify(envelope.type ?? typeof type)}`, envelope };
  }
  const errors = validator.fieldErrors(envelope.type, raw);
  return { reason: `invalid ${envelope.type}${errors.length > 0 ? `: ${errors.join('; ')}` : ''}`, envelope };
}
