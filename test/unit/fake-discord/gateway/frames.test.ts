import { describe, expect, test } from 'vitest';
import { parseClientFrame } from '../../../../fake-discord/gateway/frames.js';

const text = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('parseClientFrame', () => {
  test('parses IDENTIFY and keeps the intents for the gateway to check', () => {
    expect(parseClientFrame(text({ op: 2, d: { token: 't', intents: 259, properties: {} } }), false)).toEqual({
      ok: true,
      frame: { op: 2, d: { token: 't', intents: 259 } },
    });
  });

  test('parses RESUME', () => {
    expect(parseClientFrame(text({ op: 6, d: { token: 't', session_id: 's', seq: 7 } }), false)).toMatchObject({
      ok: true,
      frame: { op: 6, d: { seq: 7 } },
    });
  });

  test('parses a heartbeat without a sequence number', () => {
    expect(parseClientFrame(text({ op: 1, d: null }), false)).toEqual({ ok: true, frame: { op: 1, d: null } });
  });

  test('parses op 8 with one guild id and a nonce', () => {
    expect(parseClientFrame(text({ op: 8, d: { guild_id: '1', query: '', limit: 0, nonce: 'n' } }), false)).toEqual({
      ok: true,
      frame: { op: 8, d: { guildIds: ['1'], query: '', limit: 0, presences: false, userIds: null, nonce: 'n' } },
    });
  });

  test.each([
    ['text that is not JSON', 'hello'],
    ['a JSON array', '[1]'],
    ['JSON null', 'null'],
    ['an unknown op', { op: 99 }],
    ['IDENTIFY without a token', { op: 2, d: { intents: 1 } }],
    ['RESUME with a string seq', { op: 6, d: { token: 't', session_id: 's', seq: '1' } }],
    ['op 8 without a guild id', { op: 8, d: {} }],
    ['a heartbeat with an object', { op: 1, d: {} }],
  ])('rejects %s', (_name, frame) => {
    expect(parseClientFrame(text(frame), false)).toMatchObject({ ok: false, reason: expect.any(String) });
  });

  test('rejects binary frames', () => {
    expect(parseClientFrame(text({ op: 1, d: null }), true)).toMatchObject({ ok: false });
  });
});
