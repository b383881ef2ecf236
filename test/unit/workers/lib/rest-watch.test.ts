import { describe, expect, it } from 'vitest';
import { routeOf } from '../../../../workers/lib/rest-watch.js';

describe('routeOf', () => {
  it('names a request by its path after the API version, ids as :id, as discord.js names routes', () => {
    expect(routeOf('https://discord.com/api/v10/channels/1234567890123456789/messages?limit=1')).toBe('/channels/:id/messages');
    expect(routeOf('http://127.0.0.1:4000/api/v10/gateway/bot')).toBe('/gateway/bot');
    expect(routeOf('https://discord.com/api/v10/users/@me/channels')).toBe('/users/@me/channels');
  });
});
