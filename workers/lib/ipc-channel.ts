import type { Logger } from 'pino';
import type { ChildMessage, ParentMessage } from '../../src/ipc/index.js';
import { BatchedSender, unbatch } from '../../src/ipc/batch.js';
import { ParentOp, PROTOCOL_VERSION } from '../../src/ipc/ops.js';
import { parseParentMessage } from '../../src/ipc/parse-parent.js';

/** The worker's side of the fork IPC channel, typed by the shared protocol. */
export interface IpcChannel {
  /** Sends a message; resolves once it was handed to the OS, or dropped because the parent is gone. */
  send(msg: ChildMessage): Promise<void>;
  /** Writes what was sent in this turn now (before `process.exit`, which would drop it). */
  flush(): void;
}

export interface IpcHandlers {
  /** A valid parent message. Malformed or unknown ones are logged and dropped before this. */
  message: (msg: ParentMessage) => void;
  /** An `init` of another protocol version: the parent and this worker were built apart. */
  initVersionMismatch: (version: unknown) => void;
  /** The parent closed the channel: it exited, was killed, or called `disconnect()`. */
  disconnect: () => void;
}

export function openIpcChannel(proc: NodeJS.Process, log: Logger, handlers: IpcHandlers): IpcChannel {
  const sendRaw = proc.send?.bind(proc);
  if (!sendRaw) throw new Error('The worker must be started by fork() with an IPC channel');

  const receive = (raw: unknown): void => {
    const parsed = parseParentMessage(raw);
    if (parsed.ok) return handlers.message(parsed.message);
    // Only the envelope and the reason are logged: an `init` carries the token.
    const { envelope, reason } = parsed;
    if (envelope?.type === ParentOp.Init && envelope.v !== PROTOCOL_VERSION) {
      return handlers.initVersionMismatch(envelope.v);
    }
    log.warn({ envelope, reason }, 'dropped a malformed or unknown IPC message');
  };
  // What the server sent in one turn arrives as one batch: each entry is parsed on its own.
  proc.on('message', (raw: unknown) => unbatch(raw).forEach(receive));
  proc.once('disconnect', handlers.disconnect);

  // Presence changes of one gateway read, a delivery's answer and a heartbeat: one write a turn.
  const sender = new BatchedSender((payload, done) => {
    if (!proc.connected) return done(null);
    sendRaw(payload, undefined, {}, done);
  });
  return {
    send(msg) {
      if (!proc.connected) return Promise.resolve();
      return new Promise((resolve) => {
        sender.send(msg, (error) => {
          if (error) log.warn({ err: error, type: msg.type }, 'could not send an IPC message');
          resolve();
        });
      });
    },
    flush: () => sender.flush(),
  };
}
