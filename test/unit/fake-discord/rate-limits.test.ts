import { describe, expect, test } from 'vitest';
import { RateLimitInjector, type RestCall } from '../../../fake-discord/rate-limits.js';

const send = (botId = 'b1', channelId = '42'): RestCall => ({
  botId,
  method: 'POST',
  path: `/channels/${channelId}/messages`,
  template: '/channels/:channelId/messages',
});
const openDm = (botId = 'b1'): RestCall => ({ botId, method: 'POST', path: '/users/@me/channels', template: '/users/@me/channels' });

describe('RateLimitInjector', () => {
  test('the next count matching calls get the Retry-After, then calls pass', () => {
    const limits = new RateLimitInjector();
    limits.inject({ count: 2, retryAfter: 1.5 });

    expect([limits.take(send()), limits.take(send()), limits.take(send())]).toEqual([1.5, 1.5, null]);
  });

  test('a bot filter leaves other bots alone', () => {
    const limits = new RateLimitInjector();
    limits.inject({ botId: 'b1', count: 1, retryAfter: 1 });

    expect(limits.take(send('b2'))).toBeNull();
    expect(limits.take(send('b1'))).toBe(1);
  });

  test('a route template matches whatever its parameter is called', () => {
    const limits = new RateLimitInjector();
    limits.inject({ route: '/channels/:id/messages', count: 1, retryAfter: 1 });

    expect(limits.take(openDm())).toBeNull();
    expect(limits.take(send())).toBe(1);
  });

  test('a literal path matches only that path', () => {
    const limits = new RateLimitInjector();
    limits.inject({ route: '/channels/7/messages', count: 1, retryAfter: 1 });

    expect(limits.take(send('b1', '42'))).toBeNull();
    expect(limits.take(send('b1', '7'))).toBe(1);
  });

  test('a method prefix must match too', () => {
    const limits = new RateLimitInjector();
    limits.inject({ route: 'GET /channels/:id/messages', count: 1, retryAfter: 1 });

    expect(limits.take(send())).toBeNull();
  });

  test('injections are consumed oldest first', () => {
    const limits = new RateLimitInjector();
    limits.inject({ count: 1, retryAfter: 1 });
    limits.inject({ count: 1, retryAfter: 2 });

    expect([limits.take(send()), limits.take(send())]).toEqual([1, 2]);
  });

  test.each([
    [{ count: 0, retryAfter: 1 }],
    [{ count: 1.5, retryAfter: 1 }],
    [{ count: 1, retryAfter: -1 }],
  ])('refuses %j', (injection) => {
    expect(() => new RateLimitInjector().inject(injection)).toThrow();
  });
});
