/** Wire protocol opcodes the store knows (mongod's message.h). */
export const OpCode = {
  Reply: 1,
  Query: 2004,
  Compressed: 2012,
  Msg: 2013,
} as const;

/** OP_MSG flag bits. */
export const OpMsgFlags = {
  checksumPresent: 1 << 0,
  moreToCome: 1 << 1,
  exhaustAllowed: 1 << 16,
} as const;

export const HEADER_SIZE = 16;

/**
 * A reply's first bytes: the 16-byte message header, zeroed room for `prefixSize` bytes of
 * opcode-specific fields after it, and the length counting the `payloadSize` bytes to follow.
 */
export function replyHeader(
  opCode: number,
  requestId: number,
  responseTo: number,
  prefixSize: number,
  payloadSize: number,
): Buffer {
  const header = Buffer.alloc(HEADER_SIZE + prefixSize);
  header.writeInt32LE(HEADER_SIZE + prefixSize + payloadSize, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(opCode, 12);
  return header;
}
