import { describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../../src/ipc/index.js';
import { useWorkerRig } from './scenario.js';

const rig = useWorkerRig();

const playing = (name: string) => ({ name, type: 0 });
const isKind = (userId: string, kind: string, name?: string) => (e: ActivityEvent) =>
  e.discordUserId === userId && e.kind === kind && (name === undefined || e.activity?.name === name);

describe('account worker presence', () => {
  it('turns a friend’s presence change into one activity message', async () => {
    const { friend, worker } = await rig.ready();
    rig.fake.setPresence(friend.id, { status: 'online', activities: [playing('Factorio')] });

    const started = await worker.waitForEvent(isKind(friend.id, 'activity:start'));
    expect(started).toMatchObject({ status: 'online', activity: { name: 'Factorio', type: 'playing' } });
    expect(worker.events().map((e) => e.kind)).toEqual(['online', 'activity:start']);
  });

  it('says nothing about users who are not friends', async () => {
    const { friend, stranger, worker } = await rig.ready();
    rig.fake.setPresence(stranger.id, { status: 'online', activities: [playing('Celeste')] });
    // The friend's change is sent after the stranger's on the same socket: once it arrives,
    // anything about the stranger would have arrived too.
    rig.fake.setPresence(friend.id, { status: 'idle' });

    await worker.waitForEvent(isKind(friend.id, 'online'));
    expect(worker.events((e) => e.discordUserId === stranger.id)).toEqual([]);
  });

  it('reports a change once when the friend shares several guilds with the bot', async () => {
    const { bot, friend, worker } = await rig.ready();
    rig.fake.createGuild({ botIds: [bot.id], userIds: [friend.id] });
    rig.fake.setPresence(friend.id, { status: 'online', activities: [playing('Factorio')] });
    rig.fake.setPresence(friend.id, { status: 'dnd', activities: [playing('Factorio')] });

    await worker.waitForEvent(isKind(friend.id, 'status'));
    expect(worker.events().map((e) => e.kind)).toEqual(['online', 'activity:start', 'status']);
  });

  it('reports nothing when only an activity’s timestamps change', async () => {
    const { friend, worker } = await rig.ready();
    rig.fake.setPresence(friend.id, { status: 'online', activities: [{ name: 'Spotify', type: 2, state: 'song A' }] });
    rig.fake.setPresence(friend.id, { status: 'online', activities: [{ name: 'Spotify', type: 2, state: 'song B' }] });
    rig.fake.setPresence(friend.id, { status: 'idle', activities: [{ name: 'Spotify', type: 2, state: 'song B' }] });

    await worker.waitForEvent(isKind(friend.id, 'status'));
    expect(worker.events().map((e) => e.kind)).toEqual(['online', 'activity:start', 'status']);
  });

  it('applies friends:update live, both adding and removing', async () => {
    const { friend, stranger, worker } = await rig.ready();
    worker.send({ v: 1, type: 'friends:update', friends: [stranger.id] });
    // The next ping is answered after the update was applied (IPC keeps order).
    worker.send({ v: 1, type: 'ping', requestId: 1 });
    await worker.waitFor('pong');

    rig.fake.setPresence(friend.id, { status: 'online' });
    rig.fake.setPresence(stranger.id, { status: 'online', activities: [playing('Celeste')] });

    await worker.waitForEvent(isKind(stranger.id, 'activity:start', 'Celeste'));
    expect(worker.events((e) => e.discordUserId === friend.id)).toEqual([]);
  });

  it('learns where a newly added friend stands, so their next change is reported as just that', async () => {
    const { friend, stranger, worker } = await rig.ready();
    rig.fake.setPresence(stranger.id, { status: 'online', activities: [playing('Celeste')] });
    worker.send({ v: 1, type: 'friends:update', friends: [friend.id, stranger.id] });
    await worker.waitForOutput('"msg":"new friends looked up"');
    rig.fake.setPresence(stranger.id, { status: 'online', activities: [] });

    await worker.waitForEvent(isKind(stranger.id, 'activity:end', 'Celeste'));
    expect(worker.events((e) => e.discordUserId === stranger.id).map((e) => e.kind)).toEqual([
      'activity:end',
    ]);
  });

  it('resumes after a network drop and reports a change made meanwhile exactly once', async () => {
    const { bot, friend, worker } = await rig.ready();
    rig.fake.disconnectBot(bot.id);
    rig.fake.setPresence(friend.id, { status: 'online', activities: [playing('Factorio')] });

    await worker.waitFor('state', (m) => m.state === 'resumed');
    await worker.waitForEvent(isKind(friend.id, 'activity:start', 'Factorio'));
    rig.fake.setPresence(friend.id, { status: 'idle', activities: [playing('Factorio')] });
    await worker.waitForEvent(isKind(friend.id, 'status'));

    expect(worker.events().map((e) => e.kind)).toEqual(['online', 'activity:start', 'status']);
    expect(worker.all('state').map((m) => m.state)).toEqual(['connecting', 'ready', 'reconnecting', 'resumed']);
    expect(rig.fake.stats().resumes).toBeGreaterThanOrEqual(1);
  });
});
