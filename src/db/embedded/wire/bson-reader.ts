import { deserialize } from 'bson';
import { type Doc, toStored } from '../bson/values.js';
import { WireProtocolError } from '../errors.js';

/**
 * Reads one BSON document at `offset`, checking its declared size against the bytes available.
 * Values come back in the stored form (see toStored).
 */
export function readDocument(buffer: Buffer, offset: number, end: number): { doc: Doc; size: number } {
  if (end - offset < 5) throw new WireProtocolError('truncated BSON document');
  const size = buffer.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new WireProtocolError(`invalid BSON document size ${size}`);
  let doc: Doc;
  try {
    doc = deserialize(buffer.subarray(offset, offset + size), { promoteValues: false, promoteBuffers: false });
  } catch (error) {
    throw new WireProtocolError(`invalid BSON: ${(error as Error).message}`);
  }
  return { doc: toStored(doc) as Doc, size };
}

/** Reads a NUL-terminated string at `offset`. */
export function readCString(buffer: Buffer, offset: number, end: number): { value: string; next: number } {
  const nul = buffer.indexOf(0, offset);
  if (nul === -1 || nul >= end) throw new WireProtocolError('unterminated cstring');
  return { value: buffer.toString('utf8', offset, nul), next: nul + 1 };
}
