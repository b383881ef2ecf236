import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Doc } from './bson/values.js';
import type { Dispatcher } from './commands/dispatcher.js';
import { errorReply, HANDSHAKE_COMMANDS } from './commands/dispatcher.js';
import { CommandError, WireProtocolError } from './errors.js';
import type { Frame } from './wire/frame-reader.js';
import { FrameReader } from './wire/frame-reader.js';
import { OpCode, OpMsgFlags } from './wire/op-codes.js';
import { encodeOpMsg, parseOpMsg } from './wire/op-msg.js';
import { encodeOpReply, parseOpQuery } from './wire/op-query.js';

/**
 * One client connection: cuts the stream into frames, runs each command and writes the reply.
 * A frame that cannot be parsed is logged and ends this connection only.
 */
export class WireConnection {
  readonly id: number;
  readonly #socket: Socket;
  readonly #dispatcher: Dispatcher;
  readonly #logger: Logger;
  readonly #reader: FrameReader;
  #nextRequestId = 1;

  constructor(id: number, socket: Socket, dispatcher: Dispatcher, maxMessageSize: number, logger: Logger) {
    this.id = id;
    this.#socket = socket;
    this.#dispatcher = dispatcher;
    this.#logger = logger.child({ connectionId: id });
    this.#reader = new FrameReader(maxMessageSize);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#logger.debug({ err: error }, 'connection error'));
  }

  close(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    try {
      for (const frame of this.#reader.push(chunk)) {
        if (this.#socket.destroyed) return;
        this.#handle(frame);
      }
      // A client that sends faster than it reads replies waits until they drain.
      if (this.#socket.writableNeedDrain) {
        this.#socket.pause();
        this.#socket.once('drain', () => this.#socket.resume());
      }
    } catch (error) {
      if (error instanceof WireProtocolError) {
        this.#logger.warn({ reason: error.message }, 'malformed wire message; closing connection');
      } else {
        // A bug must cost this connection, never the process that serves everyone else.
        this.#logger.error({ err: error }, 'unexpected error on connection; closing it');
      }
      this.#socket.destroy();
    }
  }

  #handle(frame: Frame): void {
    switch (frame.opCode) {
      case OpCode.Msg:
        this.#handleMsg(frame);
        return;
      case OpCode.Query:
        this.#handleQuery(frame);
        return;
      default:
        throw new WireProtocolError(`unsupported opCode ${frame.opCode}`);
    }
  }

  #handleMsg(frame: Frame): void {
    const { flags, command } = parseOpMsg(frame.body);
    const reply = this.#dispatcher.run(command, this.id);
    // moreToCome (w:0 writes, endSessions): the client reads no reply, and a stray one would be
    // taken as the answer to its next command.
    if (flags & OpMsgFlags.moreToCome) return;
    this.#socket.write(encodeOpMsg(this.#nextRequestId++, frame.requestId, reply));
  }

  #handleQuery(frame: Frame): void {
    const { collection, query } = parseOpQuery(frame.body);
    const name = Object.keys(query)[0] ?? '';
    let reply: Doc;
    if (HANDSHAKE_COMMANDS.has(name) && collection.endsWith('.$cmd')) {
      reply = this.#dispatcher.run({ ...query, $db: collection.slice(0, -'.$cmd'.length) }, this.id);
    } else {
      reply = errorReply(
        new CommandError(
          'UnsupportedOpQueryCommand',
          `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade. For more details see https://dochub.mongodb.org/core/legacy-opcode-removal`,
        ),
      );
    }
    this.#socket.write(encodeOpReply(this.#nextRequestId++, frame.requestId, reply));
  }
}
