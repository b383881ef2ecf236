import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../../../fake-discord/index.js';
import { FakeDiscordClient } from '../../../../fake-discord/http-client.js';
import { type DriverAccount, PacedPresenceDriver } from '../../../../scripts/loadtest/paced-presence-driver.js';
import type { SentChange } from '../../../../scripts/loadtest/reconcile.js';

// The load generator against the real fake Discord over its control API.

let fake: FakeDiscord;
let control: FakeDiscordClient;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  control = new FakeDiscordClient(fake.url);
});
afterAll(async () => {
  await fake?.close();
});

async function accounts(count: number, friends: number): Promise<DriverAccount[]> {
  return Array.from({ length: count }, (_, i) => ({
    accountId: `account-${i}`,
    friends: Array.from({ length: friends }, () => ({ userId: fake.createUser({ username: 'friend' }).id, seq: 0, retired: false })),
    busy: false,
    nextFriend: 0,
  }));
}

describe('PacedPresenceDriver', () => {
  it('sends every change it schedules, or counts it as skipped', async () => {
    const sent: SentChange[] = [];
    const stats = await new PacedPresenceDriver(control, await accounts(3, 2), (c) => sent.push(c)).run(40, 1_000);
    expect(stats.sent + stats.skipped).toBe(40);
    expect(stats.sent).toBeGreaterThan(0);
    expect(stats.failed).toBe(0);
    expect(sent).toHaveLength(stats.sent);
  });

  it('keeps sending at a rate of a few changes a second', async () => {
    const stats = await new PacedPresenceDriver(control, await accounts(1, 1), () => undefined).run(2, 1_500);
    expect(stats.sent + stats.skipped).toBe(3);
    expect(stats.sent).toBeGreaterThan(0);
  });

  it("numbers each friend's changes 1, 2, 3 … and alternates starting and ending a game", async () => {
    const sent: SentChange[] = [];
    await new PacedPresenceDriver(control, await accounts(2, 2), (c) => sent.push(c)).run(40, 500);
    const byFriend = new Map<string, SentChange[]>();
    for (const c of sent) byFriend.set(c.discordUserId, [...(byFriend.get(c.discordUserId) ?? []), c]);
    expect(byFriend.size).toBe(4);
    for (const changes of byFriend.values()) {
      expect(changes.map((c) => c.seq)).toEqual(changes.map((_, i) => i + 1));
      for (const c of changes) expect(c.kind).toBe(c.seq % 2 === 1 ? 'activity:start' : 'activity:end');
    }
  });

  it('takes a friend whose change failed out of the run, marked as uncertain', async () => {
    const sent: SentChange[] = [];
    const [account] = await accounts(1, 1);
    (account as DriverAccount).friends.push({ userId: '999999999999999999', seq: 0, retired: false }); // unknown to the fake: 404
    const stats = await new PacedPresenceDriver(control, [account as DriverAccount], (c) => sent.push(c)).run(20, 500);
    const unknown = sent.filter((c) => c.discordUserId === '999999999999999999');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]?.ok).toBe(false);
    expect(stats.failed).toBe(1);
  });
});
