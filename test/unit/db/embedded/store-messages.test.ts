import { describe, expect, it } from 'vitest';
import { parseStoreChildMessage, parseStoreParentMessage } from '../../../../src/db/embedded/store-messages.js';

describe('the store process’s IPC messages', () => {
  it('carry the liveness ping and its answer with their sequence number', () => {
    expect(parseStoreParentMessage({ type: 'ping', seq: 7 })).toEqual({ type: 'ping', seq: 7 });
    expect(parseStoreChildMessage({ type: 'pong', seq: 7 })).toEqual({ type: 'pong', seq: 7 });
    expect(parseStoreParentMessage({ type: 'stop', seq: 7 })).toEqual({ type: 'stop' });
  });

  it('are dropped (undefined) when malformed', () => {
    for (const raw of [{ type: 'ping' }, { type: 'ping', seq: '7' }, { type: 'ping', seq: 1.5 }, { type: 'pong', seq: 7 }, [], null, 'ping']) {
      expect(parseStoreParentMessage(raw)).toBeUndefined();
    }
    for (const raw of [{ type: 'pong' }, { type: 'pong', seq: Number.NaN }, { type: 'ping', seq: 7 }, { type: 'ready', uri: 'x' }]) {
      expect(parseStoreChildMessage(raw)).toBeUndefined();
    }
  });
});
