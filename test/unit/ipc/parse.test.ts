import { describe, expect, it } from 'vitest';
import {
  ChildMessage,
  ChildOp,
  ParentMessage,
  parseChildMessage,
  parseParentMessage,
  PROTOCOL_VERSION,
} from '../../../src/ipc/index.js';
import { childMessages, fieldBreakages, parentMessages, requiredFields, TOKEN } from './examples.js';

describe.each([
  { direction: 'parent → child', parse: parseParentMessage, union: ParentMessage, messages: parentMessages },
  { direction: 'child → parent', parse: parseChildMessage, union: ChildMessage, messages: childMessages },
])('messages $direction', ({ parse, union, messages }) => {
  it.each(messages.map((m) => [m.type, m] as const))('accepts a well-formed %s', (_type, msg) => {
    expect(parse(JSON.parse(JSON.stringify(msg)))).toEqual({ ok: true, message: msg });
  });

  const broken = messages.flatMap((m) =>
    fieldBreakages(m as Record<string, unknown>, requiredFields(union, m.type)).map(
      ([name, raw]) => [`${m.type}: ${name}`, raw] as const,
    ),
  );

  it.each(broken)('rejects %s', (_name, raw) => {
    const result = parse(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).not.toContain(TOKEN);
  });

  it.each(messages.map((m) => [m.type, m] as const))('rejects a %s with a field the protocol does not know', (_type, msg) => {
    expect(parse({ ...msg, extra: true })).toMatchObject({ ok: false, reason: expect.stringContaining('additional') });
  });

  it.each([
    ['a string', 'not an object', 'not an object (string)'],
    ['null', null, 'not an object (null)'],
    ['an array', [1], 'not an object (array)'],
    ['another protocol version', { v: PROTOCOL_VERSION + 1, type: 'ping' }, 'protocol version 2, expected 1'],
    ['no version', { type: 'ping' }, 'protocol version undefined, expected 1'],
    ['an unknown type', { v: PROTOCOL_VERSION, type: 'no-such-type' }, 'unknown type "no-such-type"'],
    ['no type', { v: PROTOCOL_VERSION }, 'unknown type "undefined"'],
  ])('rejects %s, saying why', (_what, raw, reason) => {
    expect(parse(raw)).toMatchObject({ ok: false, reason });
  });
});

describe('rejecting what the supervisor relies on', () => {
  const heartbeat = childMessages.find((m) => m.type === ChildOp.Heartbeat);

  it.each([
    ['a heartbeat without eventLoopLagMs', { ...heartbeat, eventLoopLagMs: undefined }],
    ['a fatal error with an unknown code', { v: 1, type: 'fatal', code: 'SOMETHING', message: 'x' }],
    ['a state the worker does not report', { v: 1, type: 'state', state: 'asleep' }],
    ['an activity of an unknown kind', { v: 1, type: 'activity', event: { discordUserId: '1', kind: 'typing', status: 'online', at: 1 } }],
    ['a reply with a fractional request id', { v: 1, type: 'pong', requestId: 1.5 }],
    ['a fenced worker naming its session by a number', { v: 1, type: 'fenced', sessionId: 7 }],
  ])('rejects %s', (_what, raw) => {
    expect(parseChildMessage(raw).ok).toBe(false);
  });

  it('rejects a channel delivery without a channel id', () => {
    const raw = { v: 1, type: 'deliver', requestId: 1, target: { mode: 'channel', recipientId: '1' }, message: {} };
    expect(parseParentMessage(raw)).toMatchObject({ ok: false, reason: expect.stringMatching(/^invalid deliver: /) });
  });

  it('names the field at fault, never the token', () => {
    const raw = { v: 1, type: 'init', accountId: 'a', token: TOKEN, intents: 1, friends: 'all', settings: {} };
    const result = parseParentMessage(raw);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toContain('/friends');
    expect(result.reason).not.toContain(TOKEN);
    expect(result.envelope).toEqual({ v: 1, type: 'init' });
  });

  it('reports the envelope of an init of another version, so the worker can say why it stops', () => {
    expect(parseParentMessage({ v: 2, type: 'init', token: TOKEN })).toMatchObject({ ok: false, envelope: { v: 2, type: 'init' } });
  });
});
