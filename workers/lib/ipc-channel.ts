import type { Logger } from 'pino';
import type { ChildMessage, ParentMessage } from '../../src/ipc/index.js';
import { ParentOp, PROTOCOL_VERSION } from '../../src/ipc/ops.js';
import { parseParentMessage } from '../../src/ipc/parse-parent.js';

/** The worker's side of the fork IPC channel, typed by the shared protocol. */
export interface IpcChannel {
  /** Sends a message; resolves once it was handed to the OS, or dropped because the parent is gone. */
  send(msg: ChildMessage): Promise<void>;
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

  proc.on('message', (raw: unknown) => {
    const parsed = parseParentMessage(raw);
    if (parsed.ok) return handlers.message(parsed.message);
    // Only the envelope and the reason are logged: an `init` carries the token.
    const { envelope, reason } = parsed;
    if (envelope?.type === ParentOp.Init && envelope.v !== PROTOCOL_VERSION) {
      return handlers.initVersionMismatch(envelope.v);
    }
    log.warn({ envelope, reason }, 'dropped a malformed or unknown IPC message');
  });
  proc.once('disconnect', handlers.disconnect);

  return {
    send(msg) {
      if (!proc.connected) return Promise.resolve();
      return new Promise((resolve) => {
        sendRaw(msg, undefined, {}, (error) => {
          if (error) log.warn({ err: error, type: msg.type }, 'could not send an IPC message');
          resolve();
        });
      });
    },
  };
}
