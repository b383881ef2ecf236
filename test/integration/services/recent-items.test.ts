import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { RecentItems } from '../../../src/services/recent-items.js';
import { useTestModels } from '../../support/test-models.js';

const db = useTestModels();

const DAY = 86_400_000;
const now = Date.now();

/** A friend who was sent `items` (oldest first, an hour apart, the last an hour ago), and one item 2 days ago. */
async function friendWithHistory(items: string[]) {
  const friendId = new mongoose.Types.ObjectId();
  const row = (id: string, at: number, status = 'sent') => ({
    accountId: new mongoose.Types.ObjectId(),
    friendId,
    discordUserId: '123456789012345678',
    item: { id, type: 'text' },
    status,
    at: new Date(at),
  });
  await db.models.ContentHistory.insertMany([
    ...items.map((id, i) => row(id, now - (items.length - i) * 3_600_000)),
    row('long ago', now - 2 * DAY),
    row('failed', now - 3_600_000, 'failed'),
  ]);
  return friendId;
}

describe('RecentItems', () => {
  it('answers from memory what was sent within the window, and what is sent next', async () => {
    const friendId = await friendWithHistory(['a', 'b']);
    const recent = new RecentItems({ model: db.models.ContentHistory, windowMs: DAY, now: () => now });
    const isRecent = await recent.of(friendId);
    // Plain booleans: no query behind them.
    expect([isRecent('a'), isRecent('b'), isRecent('long ago'), isRecent('failed'), isRecent('c')]).toEqual([true, true, false, false, false]);
    recent.add(friendId, 'c', now);
    await recent.of(friendId); // the add lands once the friend is loaded
    expect(isRecent('c')).toBe(true);
  });

  it('gives the same check without a wait once the friend is loaded, and an add counts at once', async () => {
    const friendId = await friendWithHistory(['a']);
    const recent = new RecentItems({ model: db.models.ContentHistory, windowMs: DAY, now: () => now });
    expect(recent.loaded(friendId)).toBeUndefined();
    await recent.of(friendId);
    const isRecent = recent.loaded(friendId);
    expect([isRecent?.('a'), isRecent?.('b')]).toEqual([true, false]);
    recent.add(friendId, 'b', now);
    expect(isRecent?.('b')).toBe(true);
    // Another friend of the account is still unknown.
    expect(recent.loaded(new mongoose.Types.ObjectId())).toBeUndefined();
  });

  it('keeps at most maxPerFriend items and asks the database about the ones it let go', async () => {
    const friendId = await friendWithHistory(['a', 'b', 'c']);
    const recent = new RecentItems({ model: db.models.ContentHistory, windowMs: DAY, now: () => now, maxPerFriend: 2 });
    const isRecent = await recent.of(friendId);
    expect(isRecent('c')).toBe(true);
    const forgotten = isRecent('a');
    expect(forgotten).toBeInstanceOf(Promise);
    expect(await forgotten).toBe(true);
    expect(await isRecent('never sent')).toBe(false);
  });
});
