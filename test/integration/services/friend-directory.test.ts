import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { FriendDirectory } from '../../../src/services/friend-directory.js';
import { useTestModels } from '../../support/test-models.js';

const db = useTestModels();

async function accountWithFriend(discordUserId: string) {
  const accountId = new mongoose.Types.ObjectId();
  await db.models.Friend.create({ accountId, discordUserId, displayName: 'first' });
  return accountId.toHexString();
}

describe('FriendDirectory.lookup', () => {
  it('answers like get: a promise while the account loads, the entry itself once loaded', async () => {
    const accountId = await accountWithFriend('111111111111111111');
    const directory = new FriendDirectory(db.models);
    const first = directory.lookup(accountId, '111111111111111111');
    expect(first).toBeInstanceOf(Promise);
    const entry = await first;
    expect(entry).toMatchObject({ discordUserId: '111111111111111111', displayName: 'first', enabled: true });
    // Loaded: the same entry without a promise; an unknown friend is undefined, also at once.
    expect(directory.lookup(accountId, '111111111111111111')).toBe(entry);
    expect(directory.lookup(accountId, '222222222222222222')).toBeUndefined();
  });

  it('follows a change: after invalidate it loads again, and lookups see the change whichever load ends last', async () => {
    const accountId = await accountWithFriend('333333333333333333');
    const directory = new FriendDirectory(db.models);
    const before = directory.lookup(accountId, '333333333333333333');
    await db.models.Friend.updateOne({ accountId, discordUserId: '333333333333333333' }, { $set: { displayName: 'second' } });
    directory.invalidate(accountId);
    const after = directory.lookup(accountId, '333333333333333333');
    expect(after).toBeInstanceOf(Promise);
    expect(await after).toMatchObject({ displayName: 'second' });
    await before;
    expect(directory.lookup(accountId, '333333333333333333')).toMatchObject({ displayName: 'second' });
  });
});
