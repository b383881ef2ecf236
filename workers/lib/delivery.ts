import { DiscordAPIError, HTTPError, RateLimitError, type REST, Routes } from 'discord.js';
import type {
  DeliveredMessage,
  DeliverFailedMessage,
  DeliverMessage,
  DeliveryTarget,
  OutgoingMessage,
} from '../../src/ipc/index.js';
import { ChildOp, message } from '../../src/ipc/ops.js';

/** Why a delivery failed, as the `deliver:failed` message carries it. */
export type DeliveryFailure = Omit<DeliverFailedMessage, 'v' | 'type' | 'requestId'>;

export class DeliveryTimeoutError extends Error {
  override readonly name = 'DeliveryTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`No answer from Discord within ${timeoutMs} ms`);
  }
}

export class EmptyMessageError extends Error {
  override readonly name = 'EmptyMessageError';
  constructor() {
    super('The message has neither content nor embeds');
  }
}

/** Maps whatever a delivery threw to a failure the server can act on (retry or give up). */
export function describeDeliveryError(error: unknown): DeliveryFailure {
  if (error instanceof RateLimitError) {
    return {
      reason: `Rate limited on ${error.route} for ${error.retryAfter} ms`,
      code: 'RATE_LIMITED',
      status: 429,
      retryable: true,
      retryAfterMs: error.retryAfter,
    };
  }
  if (error instanceof DiscordAPIError) {
    return {
      reason: error.message,
      code: error.code,
      status: error.status,
      retryable: error.status === 429 || error.status >= 500,
    };
  }
  if (error instanceof HTTPError) {
    return { reason: error.message, code: 'HTTP_ERROR', status: error.status, retryable: true };
  }
  if (error instanceof DeliveryTimeoutError) {
    return { reason: error.message, code: 'DELIVERY_TIMEOUT', retryable: true };
  }
  if (error instanceof EmptyMessageError) {
    return { reason: error.message, code: 'EMPTY_MESSAGE', retryable: false };
  }
  const reason = error instanceof Error ? error.message : String(error);
  return { reason, code: 'NETWORK_ERROR', retryable: true };
}

/**
 * The REST body of a message. In a channel the recipient is mentioned first, and only they
 * may be pinged: content from elsewhere must not reach `@everyone`.
 */
export function buildMessageBody(target: DeliveryTarget, outgoing: OutgoingMessage): object {
  const hasEmbeds = (outgoing.embeds?.length ?? 0) > 0;
  if (!outgoing.content && !hasEmbeds) throw new EmptyMessageError();
  const embeds = hasEmbeds ? { embeds: outgoing.embeds } : {};
  if (target.mode === 'dm') {
    return { content: outgoing.content ?? '', ...embeds, allowed_mentions: { parse: [] } };
  }
  const mention = `<@${target.recipientId}>`;
  return {
    content: outgoing.content ? `${mention} ${outgoing.content}` : mention,
    ...embeds,
    allowed_mentions: { parse: [], users: [target.recipientId] },
  };
}

/** Rejects with `DeliveryTimeoutError` when `signal` fires first. */
function raceTimeout<T>(work: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  const timedOut = new Promise<never>((_, reject) => {
    signal.addEventListener('abort', () => reject(new DeliveryTimeoutError(timeoutMs)), { once: true });
  });
  return Promise.race([work, timedOut]);
}

export interface DelivererOptions {
  rest: REST;
  /** Answer within this long whatever Discord does (discord.js retries 429s forever). */
  timeoutMs: number;
}

/**
 * Sends messages through discord.js's REST client directly, not `user.send()`, so that each
 * request carries an abort signal: a delivery given up on must not be sent late by a retry.
 * DM channel ids are remembered per recipient (opening one is a request of its own).
 */
export function createDeliverer({ rest, timeoutMs }: DelivererOptions) {
  const dmChannels = new Map<string, string>();

  async function openDm(recipientId: string, signal: AbortSignal): Promise<string> {
    const known = dmChannels.get(recipientId);
    if (known) return known;
    const channel = (await rest.post(Routes.userChannels(), {
      body: { recipient_id: recipientId },
      signal,
    })) as { id: string };
    dmChannels.set(recipientId, channel.id);
    return channel.id;
  }

  async function send(cmd: DeliverMessage, signal: AbortSignal): Promise<{ id: string; channelId: string }> {
    const body = buildMessageBody(cmd.target, cmd.message);
    const { target } = cmd;
    const channelId = target.mode === 'dm' ? await openDm(target.recipientId, signal) : target.channelId;
    try {
      const sent = (await rest.post(Routes.channelMessages(channelId), { body, signal })) as { id: string };
      return { id: sent.id, channelId };
    } catch (error) {
      // A DM channel that no longer exists is opened afresh next time.
      if (target.mode === 'dm' && error instanceof DiscordAPIError && error.status === 404) {
        dmChannels.delete(target.recipientId);
      }
      throw error;
    }
  }

  return async function deliver(cmd: DeliverMessage): Promise<DeliveredMessage | DeliverFailedMessage> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const sent = await raceTimeout(send(cmd, signal), signal, timeoutMs);
      return message<DeliveredMessage>({
        type: ChildOp.Delivered,
        requestId: cmd.requestId,
        messageId: sent.id,
        channelId: sent.channelId,
      });
    } catch (error) {
      return message<DeliverFailedMessage>({
        type: ChildOp.DeliverFailed,
        requestId: cmd.requestId,
        ...describeDeliveryError(error),
      });
    }
  };
}

export type Deliver = ReturnType<typeof createDeliverer>;
