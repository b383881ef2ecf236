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
