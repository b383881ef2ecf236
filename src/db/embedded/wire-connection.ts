import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Doc } from './bson/values.js';
import type { Dispatcher } from './commands/dispatcher.js';
import { errorReply, HANDSHAKE_COMMANDS } from './commands/dispatcher.js';
import { EMBEDDED_MONGO_DEFAULTS } from './constants.js';
import { CommandError, WireProtocolError } from './errors.js';
import type { Frame } from './wire/frame-reader.js';
import { FrameReader } from './wire/frame-reader.js';
import { OpCode, OpMsgFlags } from './wire/op-codes.js';
import { encodeOpMsg, parseOpMsg } from './wire/op-msg.js';
import { encodeOpReply, parseOpQuery } from './wire/op-query.js';

export interface WireConnectionLimits {
  /** The Unix socket the store listens on, if not TCP. */
  socketPath?: string | undefined;
  /** Largest accepted message. */
  maxMessageSize: number;
  /** Reading stops while more reply bytes than this wait to be sent. */
  maxPendingReplyBytes: number;
}

/**
 * One client connection: cuts the stream into frames, runs each command and writes the reply.
 * A frame that cannot be parsed is logged and ends this connection only.
 *
 * Requests queue up and run in order. While the queue is not empty the socket is not read, and
 * the queue waits while the client leaves more than `maxPendingReplyBytes` of replies unread, so
 * a client that pipelines without reading holds at most one chunk of requests and about that
 * many reply bytes. The queue also yields to other connections every few milliseconds.
 */
export class WireConnection {
  readonly id: number;
  readonly #socket: Socket;
  readonly #dispatcher: Dispatcher;
  readonly #logger: Logger;
  readonly #reader: FrameReader;
  readonly #maxPendingReplyBytes: number;
  /** The store's `host:port` as this client reached it, for hello's `me` and `hosts` (none over a Unix socket). */
  readonly #self: string | undefined;
  readonly #queue: Frame[] = [];
  /** The queue is waiting for a drain or a turn of the event loop. */
  #waiting = false;
  #nextRequestId = 1;

  constructor(id: number, socket: Socket, dispatcher: Dispatcher, logger: Logger, limits: WireConnectionLimits) {
    this.id = id;
    this.#socket = socket;
    this.#dispatcher = dispatcher;
    this.#logger = logger.child({ connectionId: id });
    this.#reader = new FrameReader(limits.maxMessageSize);
    this.#maxPendingReplyBytes = limits.maxPendingReplyBytes;
    this.#self = limits.socketPath === undefined ? addressOf(socket) : undefined;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#logger.debug({ err: error }, 'connection error'));
  }

  /** Reply bytes written but not yet taken by the client. */
  get pendingReplyBytes(): number {
    return this.#socket.writableLength;
  }

  close(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    try {
      for (const frame of this.#reader.push(chunk)) this.#queue.push(frame);
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (this.#queue.length > 0 && !this.#waiting) {
      this.#socket.pause();
      this.#drainQueue();
    }
  }

  #drainQueue(): void {
    this.#waiting = false;
    const started = performance.now();
    while (this.#queue.length > 0) {
      if (this.#socket.destroyed) return;
      if (this.#socket.writableLength > this.#maxPendingReplyBytes) {
        this.#logger.debug(
          { pendingReplyBytes: this.#socket.writableLength, queued: this.#queue.length },
          'client is not reading its replies; pausing its requests',
        );
        this.#wait((resume) => this.#socket.once('drain', resume));
        return;
      }
      if (performance.now() - started > EMBEDDED_MONGO_DEFAULTS.connectionSliceMs) {
        this.#wait((resume) => setImmediate(resume));
        return;
      }
      try {
        this.#handle(this.#queue.shift() as Frame);
      } catch (error) {
        this.#fail(error);
        return;
      }
      if (this.#waiting) return;
    }
    this.#socket.resume();
  }

  #wait(schedule: (resume: () => void) => void): void {
    this.#waiting = true;
    schedule(() => this.#drainQueue());
  }

  #fail(error: unknown): void {
    if (error instanceof WireProtocolError) {
      this.#logger.warn({ reason: error.message }, 'malformed wire message; closing connection');
    } else {
      // A bug must cost this connection, never the process that serves everyone else.
      this.#logger.error({ err: error }, 'unexpected error on connection; closing it');
    }
    this.#queue.length = 0;
    this.#socket.destroy();
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
    const reply = this.#dispatcher.run(command, this.id, this.#self);
    // moreToCome (w:0 writes, endSessions): the client reads no reply, and a stray one would be
    // taken as the answer to its next command.
    if (flags & OpMsgFlags.moreToCome) return;
    if (reply instanceof Promise) {
      // A change stream's getMore waiting for events: this connection's next requests wait for
      // its reply (as they would behind mongod's), the store serves the other connections.
      this.#wait((resume) => {
        void reply.then((late) => {
          if (this.#socket.destroyed) return;
          this.#socket.write(encodeOpMsg(this.#nextRequestId++, frame.requestId, late));
          resume();
        });
      });
      return;
    }
    this.#socket.write(encodeOpMsg(this.#nextRequestId++, frame.requestId, reply));
  }

  #handleQuery(frame: Frame): void {
    const { collection, query } = parseOpQuery(frame.body);
    const name = Object.keys(query)[0] ?? '';
    let reply: Doc;
    if (HANDSHAKE_COMMANDS.has(name) && collection.endsWith('.$cmd')) {
      // Only the handshake commands come this way, and they answer at once.
      reply = this.#dispatcher.run({ ...query, $db: collection.slice(0, -'.$cmd'.length) }, this.id, this.#self) as Doc;
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

/** `host:port` of the local end of a TCP connection, as a driver writes a server's address. */
function addressOf(socket: Socket): string {
  const host = (socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return `${host.includes(':') ? `[${host}]` : host}:${socket.localPort ?? 0}`;
}
