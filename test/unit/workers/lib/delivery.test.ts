import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import {
  buildMessageBody,
  DeliveryTimeoutError,
  describeDeliveryError,
  EmptyMessageError,
} from '../../../../workers/lib/delivery.js';

const RECIPIENT = '200000000000000001';
const URL = 'http://127.0.0.1/api/v10/channels/1/messages';

describe('buildMessageBody', () => {
  it('sends a DM as given, pinging nobody', () => {
    expect(buildMessageBody({ mode: 'dm', recipientId: RECIPIENT }, { content: 'hi @everyone' })).toEqual({
      content: 'hi @everyone',
      allowed_mentions: { parse: [] },
    });
  });

  it('mentions the recipient first in a channel, and lets only them be pinged', () => {
    const body = buildMessageBody({ mode: 'channel', recipientId: RECIPIENT, channelId: '1' }, { content: 'look' });
    expect(body).toEqual({
      content: `<@${RECIPIENT}> look`,
      allowed_mentions: { parse: [], users: [RECIPIENT] },
    });
  });

  it('sends embeds, with the bare mention as content in a channel', () => {
    const embeds = [{ title: 'a cat', image: { url: 'https://example.com/cat.png' } }];
    const body = buildMessageBody({ mode: 'channel', recipientId: RECIPIENT, channelId: '1' }, { embeds });
    expect(body).toMatchObject({ content: `<@${RECIPIENT}>`, embeds });
  });

  it('refuses a message with neither content nor embeds', () => {
    expect(() => buildMessageBody({ mode: 'dm', recipientId: RECIPIENT }, { content: '', embeds: [] })).toThrow(
      EmptyMessageError,
    );
  });
});

describe('describeDeliveryError', () => {
  it('gives up on a Discord refusal such as a closed DM, keeping its code and status', () => {
    const error = new DiscordAPIError(
      { code: 50007, message: 'Cannot send messages to this user' },
      50007,
      403,
      'POST',
      URL,
      {},
    );
    expect(describeDeliveryError(error)).toEqual({
      reason: 'Cannot send messages to this user',
      code: 50007,
      status: 403,
      retryable: false,
    });
  });

  it('retries after a server error', () => {
    expect(describeDeliveryError(new HTTPError(502, 'Bad Gateway', 'POST', URL, {}))).toEqual({
      reason: 'Bad Gateway',
      code: 'HTTP_ERROR',
      status: 502,
      retryable: true,
    });
  });

  it('passes on how long a rate limit lasts', () => {
    const error = new RateLimitError({
      timeToReset: 30_000,
      limit: 5,
      method: 'POST',
      hash: 'h',
      url: URL,
      route: '/channels/1/messages',
      majorParameter: '1',
      global: false,
      retryAfter: 30_000,
      sublimitTimeout: 0,
      scope: 'user',
    });
    expect(describeDeliveryError(error)).toMatchObject({
      code: 'RATE_LIMITED',
      status: 429,
      retryable: true,
      retryAfterMs: 30_000,
    });
  });

  it('retries after its own timeout', () => {
    expect(describeDeliveryError(new DeliveryTimeoutError(5_000))).toEqual({
      reason: 'No answer from Discord within 5000 ms',
      code: 'DELIVERY_TIMEOUT',
      retryable: true,
    });
  });

  it('does not retry an empty message', () => {
    expect(describeDeliveryError(new EmptyMessageError())).toMatchObject({ code: 'EMPTY_MESSAGE', retryable: false });
  });

  it('retries after a network error', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(describeDeliveryError(error)).toEqual({
      reason: 'connect ECONNREFUSED 127.0.0.1:9',
      code: 'NETWORK_ERROR',
      retryable: true,
    });
  });
});
