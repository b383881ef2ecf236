import { deserialize, serialize } from 'bson';
import { describe, expect, it } from 'vitest';
import { WireProtocolError } from '../../../../../src/db/embedded/errors.js';
import { FrameReader } from '../../../../../src/db/embedded/wire/frame-reader.js';
import { encodeOpMsg, parseOpMsg } from '../../../../../src/db/embedded/wire/op-msg.js';
import { encodeOpReply, parseOpQuery } from '../../../../../src/db/embedded/wire/op-query.js';

function frame(opCode: number, body: Buffer, requestId = 1): Buffer {
  const head = Buffer.alloc(16);
  head.writeInt32LE(16 + body.length, 0);
  head.writeInt32LE(requestId, 4);
  head.writeInt32LE(opCode, 12);
  return Buffer.concat([head, body]);
}

function kind0(doc: Record<string, unknown>, flags = 0): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32LE(flags, 0);
  return Buffer.concat([head, serialize(doc)]);
}

function kind1(identifier: string, docs: Array<Record<string, unknown>>): Buffer {
  const payload = Buffer.concat([Buffer.from(`${identifier}\0`), ...docs.map((doc) => serialize(doc))]);
  const head = Buffer.alloc(5);
  head.writeUInt8(1, 0);
  head.writeInt32LE(4 + payload.length, 1);
  return Buffer.concat([head, payload]);
}

describe('FrameReader', () => {
  it('returns nothing until a whole message has arrived', () => {
    const reader = new FrameReader(1000);
    const message = frame(2013, Buffer.alloc(8));
    expect(reader.push(message.subarray(0, 10))).toEqual([]);
    expect(reader.push(message.subarray(10))).toHaveLength(1);
  });

  it('splits several messages that arrive in one chunk', () => {
    const reader = new FrameReader(1000);
    const frames = reader.push(Buffer.concat([frame(2013, Buffer.alloc(4), 1), frame(2004, Buffer.alloc(6), 2)]));
    expect(frames.map((f) => [f.requestId, f.opCode, f.body.length])).toEqual([
      [1, 2013, 4],
      [2, 2004, 6],
    ]);
  });

  it('rejects a length above the maximum message size', () => {
    const reader = new FrameReader(100);
    expect(() => reader.push(frame(2013, Buffer.alloc(100)))).toThrow(WireProtocolError);
  });

  it('rejects a length shorter than the header', () => {
    const head = Buffer.alloc(16);
    head.writeInt32LE(15, 0);
    expect(() => new FrameReader(100).push(head)).toThrow(WireProtocolError);
  });
});

describe('parseOpMsg', () => {
  it('merges kind-1 document sequences into the command as arrays', () => {
    const body = Buffer.concat([kind0({ insert: 'c', $db: 'd' }), kind1('documents', [{ a: 1 }, { a: 2 }])]);
    expect(parseOpMsg(body)).toEqual({ flags: 0, command: { insert: 'c', $db: 'd', documents: [{ a: 1 }, { a: 2 }] } });
  });

  it('ignores a trailing checksum when the flag says one is present', () => {
    const body = Buffer.concat([kind0({ ping: 1, $db: 'admin' }, 1), Buffer.alloc(4, 0xff)]);
    expect(parseOpMsg(body).command).toEqual({ ping: 1, $db: 'admin' });
  });

  it('reports moreToCome in the flags', () => {
    expect(parseOpMsg(kind0({ endSessions: [], $db: 'admin' }, 2)).flags & 2).toBe(2);
  });

  it('rejects an unknown section kind', () => {
    const body = Buffer.concat([kind0({ ping: 1 }), Buffer.from([9, 0, 0, 0, 0])]);
    expect(() => parseOpMsg(body)).toThrow(WireProtocolError);
  });

  it('rejects a message without a body section', () => {
    const head = Buffer.alloc(4);
    expect(() => parseOpMsg(Buffer.concat([head, kind1('documents', [{ a: 1 }])]))).toThrow(WireProtocolError);
  });

  it('rejects a document whose declared size overruns the message', () => {
    const body = kind0({ ping: 1 });
    body.writeInt32LE(1000, 5);
    expect(() => parseOpMsg(body)).toThrow(WireProtocolError);
  });
});

describe('replies', () => {
  it('encodes an OP_MSG reply with flags 0 and one body section', () => {
    const reply = encodeOpMsg(5, 9, { ok: 1 });
    expect([reply.readInt32LE(0), reply.readInt32LE(4), reply.readInt32LE(8), reply.readInt32LE(12)]).toEqual([reply.length, 5, 9, 2013]);
    expect(reply.readUInt32LE(16)).toBe(0);
    expect(reply[20]).toBe(0);
    expect(deserialize(reply.subarray(21))).toEqual({ ok: 1 });
  });

  it('encodes an OP_REPLY carrying one document', () => {
    const reply = encodeOpReply(1, 2, { ismaster: true });
    expect(reply.readInt32LE(12)).toBe(1);
    expect(reply.readInt32LE(32)).toBe(1);
    expect(deserialize(reply.subarray(36))).toEqual({ ismaster: true });
  });

  it('reads the handshake command of an OP_QUERY, unwrapping $query', () => {
    const body = Buffer.concat([
      Buffer.alloc(4),
      Buffer.from('admin.$cmd\0'),
      Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]),
      serialize({ $query: { isMaster: 1 } }),
    ]);
    expect(parseOpQuery(body)).toEqual({ collection: 'admin.$cmd', query: { isMaster: 1 } });
  });
});
