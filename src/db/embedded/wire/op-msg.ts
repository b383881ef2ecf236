import type { Doc } from '../bson/values.js';
import { encodeDocument } from '../bson/values.js';
import { WireProtocolError } from '../errors.js';
import { readCString, readDocument } from './bson-reader.js';
import { OpCode, OpMsgFlags, replyHeader } from './op-codes.js';

export interface OpMsgRequest {
  flags: number;
  /** The kind-0 body with every kind-1 document sequence merged in as an array field. */
  command: Doc;
}

/** Parses the body of an OP_MSG (the bytes after the header). */
export function parseOpMsg(body: Buffer): OpMsgRequest {
  if (body.length < 5) throw new WireProtocolError('OP_MSG too short');
  const flags = body.readUInt32LE(0);
  const end = flags & OpMsgFlags.checksumPresent ? body.length - 4 : body.length;
  let offset = 4;
  let command: Doc | undefined;
  const sequences: Array<[string, Doc[]]> = [];
  while (offset < end) {
    const kind = body[offset];
    offset += 1;
    if (kind === 0) {
      if (command) throw new WireProtocolError('OP_MSG has more than one body section');
      const { doc, size } = readDocument(body, offset, end);
      command = doc;
      offset += size;
    } else if (kind === 1) {
      if (end - offset < 4) throw new WireProtocolError('truncated document sequence');
      const sectionEnd = offset + body.readInt32LE(offset);
      if (sectionEnd > end || sectionEnd < offset + 5) throw new WireProtocolError('invalid document sequence size');
      const { value: identifier, next } = readCString(body, offset + 4, sectionEnd);
      const docs: Doc[] = [];
      for (let at = next; at < sectionEnd; ) {
        const { doc, size } = readDocument(body, at, sectionEnd);
        docs.push(doc);
        at += size;
      }
      sequences.push([identifier, docs]);
      offset = sectionEnd;
    } else {
      throw new WireProtocolError(`unknown OP_MSG section kind ${String(kind)}`);
    }
  }
  if (!command) throw new WireProtocolError('OP_MSG has no body section');
  for (const [identifier, docs] of sequences) {
    const existing = command[identifier];
    command[identifier] = Array.isArray(existing) ? [...(existing as unknown[]), ...docs] : docs;
  }
  return { flags, command };
}

/** Builds an OP_MSG reply with flags 0 and one kind-0 section. */
export function encodeOpMsg(requestId: number, responseTo: number, reply: Doc): Buffer {
  const payload = encodeDocument(reply);
  // flagBits 0, then section kind 0: both already zero.
  const header = replyHeader(OpCode.Msg, requestId, responseTo, 5, payload.length);
  return Buffer.concat([header, payload]);
}
