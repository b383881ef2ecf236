import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, registerAndLogin, type TestApp } from '../../support/build-app.js';
import { createAccount, createFriend, MISSING_ID } from './helpers.js';

let t: TestApp;
let user: Awaited<ReturnType<typeof registerAndLogin>>;
let accountId: string;
let sam: { id: string; discordUserId: string };
let alex: { id: string; discordUserId: string };

const BASE = Date.parse('2026-01-01T12:00:00.000Z');
const minute = (n: number) => new Date(BASE + n * 60_000);

beforeAll(async () => {
  t = await buildTestApp();
  user = await registerAndLogin(t.app);
  accountId = (await createAccount(t.app, user.authorization)).id;
  sam = await createFriend(t.app, user.authorization, accountId, { displayName: 'Sam' });
  alex = await createFriend(t.app, user.authorization, accountId, { displayName: 'Alex' });
  const { ActivityHistory, ContentHistory } = t.app.db.models;
  // Minutes 0..5, alternating friends; minute 5 twice, so a page boundary falls inside a tie.
  const activity = [0, 1, 2, 3, 4, 5, 5].map((m, i) => {
    const friend = i % 2 === 0 ? sam : alex;
    return {
      accountId,
      friendId: friend.id,
      discordUserId: friend.discordUserId,
      kind: i % 3 === 0 ? 'activity:start' : 'status',
      status: 'online',
      ...(i % 3 === 0 ? { activity: { name: 'Elden Ring', type: 'playing' } } : {}),
      at: minute(m),
    };
  });
  await ActivityHistory.insertMany(activity);
  await ContentHistory.insertMany([
    { accountId, friendId: sam.id, discordUserId: sam.discordUserId, status: 'sent', item: { id: 'a', type: 'image', url: 'https://example.com/a.png', source: 'static' }, discordMessageId: '223456789012345678', latencyMs: 42, at: minute(1) },
    { accountId, friendId: alex.id, discordUserId: alex.discordUserId, status: 'failed', reason: 'Cannot send messages to this user', at: minute(2) },
    { accountId, friendId: sam.id, discordUserId: sam.discordUserId, status: 'skipped', reason: 'cooldown', at: minute(3) },
  ]);
});
afterAll(async () => t?.close());

const get = (url: string) => t.app.inject({ url, headers: { authorization: user.authorization } });

interface Entry {
  id: string;
  friendId: string | null;
  at: string;
  kind?: string;
  status?: string;
}

async function collect(url: string): Promise<Entry[]> {
  const all: Entry[] = [];
  let cursor: string | null = null;
  do {
    const res = await get(`${url}${url.includes('?') ? '&' : '?'}limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode).toBe(200);
    const page = res.json<{ items: Entry[]; nextCursor: string | null }>();
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

describe('GET /api/accounts/:id/activity', () => {
  it('answers newest first with every field of an entry', async () => {
    const res = await get(`/api/accounts/${accountId}/activity?limit=1`);
    expect(res.statusCode).toBe(200);
    const [first] = res.json().items;
    expect(first).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      friendId: expect.any(String),
      discordUserId: expect.any(String),
      kind: expect.any(String),
      status: 'online',
      activity: first.activity === null ? null : { name: 'Elden Ring', type: 'playing' },
      at: minute(5).toISOString(),
    });
  });

  it('pages through every entry exactly once, also across equal times', async () => {
    const all = await collect(`/api/accounts/${accountId}/activity`);
    expect(all).toHaveLength(7);
    expect(new Set(all.map((e) => e.id)).size).toBe(7);
    const times = all.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('filters by friend', async () => {
    const all = await collect(`/api/accounts/${accountId}/activity?friendId=${sam.id}`);
    expect(all).toHaveLength(4);
    expect(all.every((e) => e.friendId === sam.id)).toBe(true);
  });

  it('filters by kind', async () => {
    const all = await collect(`/api/accounts/${accountId}/activity?kind=activity:start`);
    expect(all).toHaveLength(3);
    expect(all.every((e) => e.kind === 'activity:start')).toBe(true);
  });

  it('filters by time, from inclusive and to exclusive', async () => {
    const from = encodeURIComponent(minute(1).toISOString());
    const to = encodeURIComponent(minute(3).toISOString());
    const all = await collect(`/api/accounts/${accountId}/activity?from=${from}&to=${to}`);
    expect(all.map((e) => e.at)).toEqual([minute(2).toISOString(), minute(1).toISOString()]);
  });

  it('rejects an unknown kind, a malformed date and a malformed friend id', async () => {
    for (const query of ['kind=dancing', 'from=yesterday', 'friendId=nope']) {
      expect((await get(`/api/accounts/${accountId}/activity?${query}`)).statusCode).toBe(400);
    }
  });

  it('answers 404 for an account that does not exist', async () => {
    expect((await get(`/api/accounts/${MISSING_ID}/activity`)).statusCode).toBe(404);
    expect((await get('/api/accounts/nope/activity')).statusCode).toBe(404);
  });
});

describe('GET /api/accounts/:id/content-history', () => {
  it('answers newest first with every field of a delivery', async () => {
    const res = await get(`/api/accounts/${accountId}/content-history`);
    expect(res.statusCode).toBe(200);
    const { items, nextCursor } = res.json();
    expect(nextCursor).toBeNull();
    expect(items.map((e: Entry) => e.status)).toEqual(['skipped', 'failed', 'sent']);
    expect(items[2]).toEqual({
      id: expect.any(String),
      friendId: sam.id,
      discordUserId: sam.discordUserId,
      item: { id: 'a', type: 'image', url: 'https://example.com/a.png', source: 'static' },
      status: 'sent',
      reason: null,
      discordMessageId: '223456789012345678',
      latencyMs: 42,
      at: minute(1).toISOString(),
    });
  });

  it('filters by status', async () => {
    const res = await get(`/api/accounts/${accountId}/content-history?status=failed`);
    expect(res.json().items).toEqual([expect.objectContaining({ status: 'failed', reason: 'Cannot send messages to this user' })]);
  });

  it('filters by friend and time', async () => {
    const from = encodeURIComponent(minute(2).toISOString());
    const res = await get(`/api/accounts/${accountId}/content-history?friendId=${sam.id}&from=${from}`);
    expect(res.json().items).toEqual([expect.objectContaining({ status: 'skipped', friendId: sam.id })]);
  });

  it('pages with a cursor', async () => {
    const all = await collect(`/api/accounts/${accountId}/content-history`);
    expect(all.map((e) => e.status)).toEqual(['skipped', 'failed', 'sent']);
  });

  it('rejects an unknown status', async () => {
    expect((await get(`/api/accounts/${accountId}/content-history?status=lost`)).statusCode).toBe(400);
  });

  it('rejects a cursor from a list without times', async () => {
    // An accounts cursor carries no time, so it cannot continue a history list.
    await createAccount(t.app, user.authorization);
    const cursor = (await get('/api/accounts?limit=1')).json().nextCursor;
    expect(cursor).not.toBeNull();
    const res = await get(`/api/accounts/${accountId}/content-history?cursor=${cursor}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('INVALID_CURSOR');
  });
});
