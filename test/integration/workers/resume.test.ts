import { describe, expect, it } from 'vitest';
import type { ActivityEvent, FriendPresence, HandedOverSession } from '../../../src/ipc/index.js';
import { useWorkerRig } from './scenario.js';
import { WorkerProcess } from './worker-process.js';

const rig = useWorkerRig();

const playing = (name: string) => ({ name, type: 0 });
const summary = (e: ActivityEvent) => `${e.kind}${e.activity ? ` ${e.activity.name}` : ''}`;

/** What the server would hand a replacement: the session at the last dispatch it received. */
function handOver(worker: WorkerProcess): HandedOverSession {
  const { session } = worker.all('session').at(-1) ?? {};
  const ready = worker.all('ready')[0];
  if (!session || !ready) throw new Error('the worker reported no session');
  const seqs = [...worker.all('activity').map((m) => m.seq), ...worker.all('heartbeat').map((m) => m.seq ?? 0)];
  return { ...session, seq: Math.max(session.seq, ...seqs), botUserId: ready.botUserId, botUsername: ready.botUsername, guildCount: ready.guildCount };
}

describe('a replacement worker resuming the session of a killed one', () => {
  it('resumes from another process and reports every change made while no worker ran, once', async () => {
    const { bot, friend, stranger, worker } = await rig.ready();
    // The friend's starting point came with GUILD_CREATE as a baseline, reported without an event.
    expect(worker.all('activity').flatMap((m) => Object.keys(m.baseline ?? {}))).toEqual([friend.id]);
    rig.fake.setPresence(friend.id, { status: 'online', activities: [playing('Factorio')] });
    await worker.waitForEvent((e) => e.kind === 'activity:start');
    const session = handOver(worker);
    expect(worker.output).not.toContain(session.sessionId);
    const before = rig.fake.stats();

    worker.kill();
    await worker.exited;
    rig.fake.setPresence(friend.id, { status: 'online', activities: [playing('Celeste')] });
    rig.fake.setPresence(friend.id, { status: 'idle', activities: [playing('Celeste')] });

    const baseline: Record<string, FriendPresence> = {
      [friend.id]: { status: 'online', activities: [{ name: 'Factorio', type: 'playing' }] },
    };
    const next = rig.track(new WorkerProcess());
    next.init({ token: bot.token, friends: [friend.id], discordApiUrl: rig.fake.apiUrl, session, baseline });
    const ready = await next.waitFor('ready');
    expect(ready).toMatchObject({ resume: 'resumed', botUserId: bot.id, guildCount: 1 });
    await next.waitForEvent((e) => e.kind === 'status');
    expect(next.events().map(summary)).toEqual(['activity:end Factorio', 'activity:start Celeste', 'status']);
    expect(rig.fake.stats()).toMatchObject({ identifies: before.identifies, resumes: before.resumes + 1 });

    // It knows its guilds without a READY: a friend added now is looked up and then followed.
    rig.fake.setPresence(stranger.id, { status: 'online', activities: [playing('Tetris')] });
    next.send({ v: 1, type: 'friends:update', friends: [friend.id, stranger.id] });
    await next.waitForOutput('"msg":"new friends looked up"');
    rig.fake.setPresence(stranger.id, { status: 'online', activities: [] });
    await next.waitForEvent((e) => e.discordUserId === stranger.id);
    expect(next.events((e) => e.discordUserId === stranger.id).map(summary)).toEqual(['activity:end Tetris']);
  });

  it('identifies when Discord refuses the session, says so, and reports the net change against the baseline', async () => {
    const { bot, friend, worker } = await rig.ready();
    const session = { ...handOver(worker), sessionId: 'expired-session' };
    worker.kill();
    await worker.exited;
    rig.fake.setPresence(friend.id, { status: 'dnd', activities: [playing('Factorio')] });
    const before = rig.fake.stats();

    const next = rig.track(new WorkerProcess());
    const baseline = { [friend.id]: { status: 'online' as const, activities: [] } };
    next.init({ token: bot.token, friends: [friend.id], discordApiUrl: rig.fake.apiUrl, session, baseline });
    expect(await next.waitFor('ready')).toMatchObject({ resume: 'refused', botUserId: bot.id });
    await next.waitForEvent((e) => e.kind === 'activity:start');
    expect(next.events().map(summary)).toEqual(['status', 'activity:start Factorio']);
    expect(next.all('session')).toHaveLength(1);
    expect(rig.fake.stats()).toMatchObject({ identifies: before.identifies + 1, resumes: before.resumes });
    await next.waitForOutput('Discord refused to resume the session');
  });
});
