import type { Doc } from '../bson/values.js';
import { encodeDocument } from '../bson/values.js';
import { WireProtocolError } from '../errors.js';
import { readCString, readDocument } from './bson-reader.js';
import { OpCode, replyHeader } from './op-codes.js';

export interface OpQueryRequest {
  collection: string;
  query: Doc;
}

/** Parses the body of a legacy OP_QUERY, used by drivers only for the connection handshake. */
export function parseOpQuery(body: Buffer): OpQueryRequest {
  if (body.length < 4) throw new WireProtocolError('OP_QUERY too short');
  const { value: collection, next } = readCString(body, 4, body.length);
  const queryOffset = next + 8;
  const { doc } = readDocument(body, queryOffset, body.length);
  // Old drivers wrap the command as {$query: {...}, $readPreference: ...}.
  const wrapped = doc.$query;
  const query = wrapped && typeof wrapped === 'object' && !Array.isArray(wrapped) ? (wrapped as Doc) : doc;
  return { collection, query };
}

/** Builds an OP_REPLY carrying one document. */
export function encodeOpReply(requestId: number, responseTo: number, reply: Doc): Buffer {
  const payload = encodeDocument(reply);
  // responseFlags 0, cursorID 0, startingFrom 0 (already zero), then numberReturned 1.
  const header = replyHeader(OpCode.Reply, requestId, responseTo, 20, payload.length);
  header.writeInt32LE(1, 32);
  return Buffer.concat([header, payload]);
}
