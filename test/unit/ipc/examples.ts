// Well-formed IPC messages of every type, and ways to break each one, shared by the IPC tests.
import type { TObject, TSchema } from 'typebox';
import {
  type ChildMessage,
  ChildOp,
  message,
  type ParentMessage,
  ParentOp,
} from '../../../src/ipc/index.js';

export const TOKEN = 'MTIz.secret-token.value';

/** One well-formed message of each type, with every optional field set. */
export const parentMessages: ParentMessage[] = [
  message({
    type: ParentOp.Init,
    accountId: 'acc-1',
    token: TOKEN,
    intents: 259,
    friends: ['1', '2'],
    discordApiUrl: 'http://127.0.0.1:1/api',
    settings: { heartbeatIntervalMs: 2000, loginTimeoutMs: 60_000, deliveryTimeoutMs: 10_000 },
    session: { sessionId: 's', resumeUrl: 'wss://x.test', seq: 3, botUserId: '9', botUsername: 'bot', guildCount: 2 },
    baseline: { '1': { status: 'online', activities: [] } },
  }),
  message({ type: ParentOp.FriendsUpdate, friends: ['1'] }),
  message({
    type: ParentOp.Deliver,
    requestId: 7,
    target: { mode: 'channel', recipientId: '1', channelId: '2' },
    message: { content: 'hi', embeds: [{ title: 't', url: 'https://x.test', description: 'd', image: { url: 'https://x.test/a.png' } }] },
  }),
  message({ type: ParentOp.Ping, requestId: 8 }),
  message({ type: ParentOp.Shutdown, reason: 'stop', keepSession: true }),
];

export const childMessages: ChildMessage[] = [
  message({ type: ChildOp.Ready, botUserId: '9', botUsername: 'bot', guildCount: 2, resume: 'resumed' }),
  message({ type: ChildOp.State, state: 'reconnecting', detail: '4000' }),
  message({
    type: ChildOp.Activity,
    seq: 12,
    events: [{ discordUserId: '1', kind: 'activity:start', status: 'online', activity: { name: 'Chess', type: 'playing' }, at: 1 }],
    baseline: { '2': { status: 'idle', activities: [{ name: 'Music', type: 'listening' }] } },
  }),
  message({ type: ChildOp.Session, session: { sessionId: 's', resumeUrl: 'wss://x.test', seq: 3 } }),
  message({ type: ChildOp.Delivered, requestId: 7, messageId: 'm', channelId: 'c' }),
  message({ type: ChildOp.DeliverFailed, requestId: 7, reason: 'no', code: 50007, status: 403, retryable: false, retryAfterMs: 10 }),
  message({ type: ChildOp.Pong, requestId: 8 }),
  message({ type: ChildOp.Heartbeat, rss: 1, heapUsed: 2, eventLoopLagMs: 3, gatewayPingMs: -1, at: 4, seq: 12 }),
  message({ type: ChildOp.InvalidRequest, status: 401, route: '/users/@me' }),
  message({ type: ChildOp.Fatal, code: 'TOKEN_INVALID', message: 'bad token' }),
  message({ type: ChildOp.Fenced, sessionId: 's' }),
];

/** A value of the wrong JSON type for whatever `value` is. */
function wrongType(value: unknown): unknown {
  if (typeof value === 'string') return 12;
  if (typeof value === 'number') return true;
  if (typeof value === 'boolean') return 'x';
  if (Array.isArray(value)) return 'not an array';
  return 'not an object';
}

/** The fields a message type must have, as its schema says. */
export function requiredFields(union: { anyOf: TSchema[] }, type: string): Set<string> {
  const schema = union.anyOf.find((s) => ((s as TObject).properties['type'] as { const?: unknown }).const === type) as TObject;
  return new Set(schema.required);
}

/** A message broken one way at a time: each own field of the wrong type, each required one missing. */
export function fieldBreakages(msg: Record<string, unknown>, required: Set<string>): Array<[string, Record<string, unknown>]> {
  const cases: Array<[string, Record<string, unknown>]> = [];
  for (const [key, value] of Object.entries(msg)) {
    if (key === 'type') continue;
    cases.push([`${key} of the wrong type`, { ...msg, [key]: wrongType(value) }]);
    const { [key]: _dropped, ...without } = msg;
    if (required.has(key)) cases.push([`${key} missing`, without]);
  }
  return cases;
}

