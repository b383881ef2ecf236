import { once } from 'node:events';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { deserialize, serialize } from 'bson';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedMongo } from '../../../../src/db/embedded/index.js';
import { startEmbeddedMongo } from '../../../../src/db/embedded/index.js';
import { loggerWithEvents } from '../../../support/log-events.js';

// Raw sockets against the embedded store: bad input closes that connection only.

let store: EmbeddedMongo;
let client: MongoClient;
/** Emits `line` with each parsed log entry of the store. */
const storeLog = loggerWithEvents('warn');
const logEvents = storeLog.events;

beforeAll(async () => {
  store = await startEmbeddedMongo({ logger: storeLog.logger });
  client = await new MongoClient(`${store.uri}/robust`).connect();
});

afterAll(async () => {
  await client?.close();
  await store?.stop();
});

async function openSocket(): Promise<Socket> {
  const socket = connect(store.port, '127.0.0.1');
  await once(socket, 'connect');
  return socket;
}

/** Sends bytes and resolves once the server has closed the connection. */
async function expectClosedAfter(bytes: Buffer): Promise<void> {
  const socket = await openSocket();
  const closed = once(socket, 'close');
  socket.on('error', () => {});
  socket.write(bytes);
  await closed;
  expect(socket.destroyed).toBe(true);
}

function header(length: number, opCode: number, requestId = 1): Buffer {
  const buffer = Buffer.alloc(16);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(requestId, 4);
  buffer.writeInt32LE(0, 8);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

function opMsg(body: Uint8Array, requestId = 7): Buffer {
  const payload = Buffer.concat([Buffer.alloc(4), Buffer.from([0]), body]);
  return Buffer.concat([header(16 + payload.length, 2013, requestId), payload]);
}

/** Reads one whole reply message from the socket, leaving the socket open. */
function readReply(socket: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length >= 4 && buffered.length >= buffered.readInt32LE(0)) {
        socket.off('data', onData);
        socket.off('close', onClose);
        resolve(buffered);
      }
    };
    const onClose = (): void => reject(new Error('connection closed before a reply'));
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

async function serverStillAnswers(): Promise<void> {
  expect(await client.db().command({ ping: 1 })).toMatchObject({ ok: 1 });
}

describe('malformed input on the wire', () => {
  it('closes a connection that sends HTTP instead of the wire protocol', async () => {
    await expectClosedAfter(Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    await serverStillAnswers();
  });

  it('logs why it closed a connection', async () => {
    const logged = once(logEvents, 'line');
    await expectClosedAfter(header(48_000_001, 2013));
    const [entry] = (await logged) as [Record<string, unknown>];
    expect(entry).toMatchObject({ msg: 'malformed wire message; closing connection', reason: 'invalid messageLength 48000001' });
    expect(entry.connectionId).toEqual(expect.any(Number));
  });

  it('closes a connection that announces a message larger than 48 MB', async () => {
    await expectClosedAfter(header(48_000_001, 2013));
    await serverStillAnswers();
  });

  it('closes a connection that announces a message shorter than its header', async () => {
    await expectClosedAfter(header(8, 2013));
    await serverStillAnswers();
  });

  it('closes a connection that sends an unknown opcode', async () => {
    await expectClosedAfter(Buffer.concat([header(20, 4242), Buffer.alloc(4)]));
    await serverStillAnswers();
  });

  it('closes a connection whose OP_MSG holds a truncated BSON document', async () => {
    const command = serialize({ ping: 1, $db: 'admin' });
    await expectClosedAfter(opMsg(command.subarray(0, command.length - 3)));
    await serverStillAnswers();
  });

  it('closes a connection whose OP_MSG holds a document with an invalid element type', async () => {
    const command = Buffer.from(serialize({ ping: 1, $db: 'admin' }));
    command[4] = 0x7e; // the type byte of the first element
    await expectClosedAfter(opMsg(command));
    await serverStillAnswers();
  });

  it('closes a connection that sends random bytes with a plausible length', async () => {
    const garbage = Buffer.alloc(200, 0xab);
    garbage.writeInt32LE(200, 0);
    await expectClosedAfter(garbage);
    await serverStillAnswers();
  });

  it('answers an unknown command on a raw socket with CommandNotFound and keeps the connection open', async () => {
    const socket = await openSocket();
    try {
      const replied = readReply(socket);
      socket.write(opMsg(serialize({ frobnicate: 1, $db: 'admin' }), 99));
      const reply = await replied;
      expect(reply.readInt32LE(8)).toBe(99);
      expect(reply.readInt32LE(12)).toBe(2013);
      const doc = deserialize(reply.subarray(21));
      expect(doc).toMatchObject({ ok: 0, code: 59, codeName: 'CommandNotFound', errmsg: "no such command: 'frobnicate'" });
      const second = readReply(socket);
      socket.write(opMsg(serialize({ ping: 1, $db: 'admin' }), 100));
      expect(deserialize((await second).subarray(21))).toMatchObject({ ok: 1 });
    } finally {
      socket.destroy();
    }
  });

  it('answers pipelined commands in order, each to its own request id', async () => {
    const socket = await openSocket();
    try {
      const count = 300;
      const responseTos: number[] = [];
      const done = new Promise<void>((resolve, reject) => {
        let buffered = Buffer.alloc(0);
        socket.on('data', (chunk: Buffer) => {
          buffered = Buffer.concat([buffered, chunk]);
          while (buffered.length >= 4 && buffered.length >= buffered.readInt32LE(0)) {
            const length = buffered.readInt32LE(0);
            responseTos.push(buffered.readInt32LE(8));
            buffered = buffered.subarray(length);
          }
          if (responseTos.length === count) resolve();
        });
        socket.once('close', () => reject(new Error('closed early')));
      });
      socket.write(Buffer.concat(Array.from({ length: count }, (_, i) => opMsg(serialize({ ping: 1, $db: 'admin' }), 1000 + i))));
      await done;
      expect(responseTos).toEqual(Array.from({ length: count }, (_, i) => 1000 + i));
    } finally {
      socket.destroy();
    }
  });

  it('answers a message delivered one byte at a time', async () => {
    const socket = await openSocket();
    try {
      const replied = readReply(socket);
      const message = opMsg(serialize({ ping: 1, $db: 'admin' }), 5);
      for (const byte of message) socket.write(Buffer.from([byte]));
      expect(deserialize((await replied).subarray(21))).toMatchObject({ ok: 1 });
    } finally {
      socket.destroy();
    }
  });
});
