import type { AnswerMessage, DeliveredMessage, DeliverFailedMessage, PongMessage } from '../ipc/index.js';
import { ChildOp } from '../ipc/index.js';
import { DeliveryFailedError } from './errors.js';
import type { WorkerHandle } from './worker-handle.js';

export interface DeliveryResult {
  messageId: string;
  channelId: string;
}

/**
 * Settles the request a reply answers. Returns false for a reply to an unknown or expired
 * request (a late answer after the timeout, or a forged id).
 */
export function settleReply(handle: WorkerHandle, msg: DeliveredMessage | DeliverFailedMessage | PongMessage | AnswerMessage): boolean {
  switch (msg.type) {
    case ChildOp.Delivered:
      return handle.requests.resolve(msg.requestId, { messageId: msg.messageId, channelId: msg.channelId } satisfies DeliveryResult);
    case ChildOp.Pong:
      return handle.requests.resolve(msg.requestId, undefined);
    case ChildOp.Answer:
      return handle.requests.resolve(msg.requestId, msg);
    case ChildOp.DeliverFailed:
      return handle.requests.reject(
        msg.requestId,
        new DeliveryFailedError(msg.reason, {
          accountId: handle.accountId,
          op: 'deliver',
          retryable: msg.retryable,
          ...(msg.retryAfterMs === undefined ? {} : { retryAfterMs: msg.retryAfterMs }),
          ...(msg.code === undefined ? {} : { reasonCode: msg.code }),
          ...(msg.status === undefined ? {} : { status: msg.status }),
        }),
      );
  }
}
