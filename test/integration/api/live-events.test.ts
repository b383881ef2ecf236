import { beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin } from '../../support/build-app.js';
import { useFakeDiscordApp } from '../../support/fake-discord-app.js';
import { type SseEvent, SseClient } from '../../support/sse-client.js';
import { createWatchingAccount, nextOutcome } from '../../support/watching-account.js';

// The live stream end to end: fake Discord ↔ real worker process ↔ supervisor ↔ pipeline ↔ event
// bus ↔ a real HTTP stream, dropped and resumed with Last-Event-ID.

const t = useFakeDiscordApp({ pipeline: { retryBaseMs: 50 }, listen: true });
let user: Awaited<ReturnType<typeof registerAndLogin>>;

beforeAll(async () => {
  user = await registerAndLogin(t.app);
});

const api = async (method: 'GET' | 'POST', url: string, payload?: object) => {
  const res = await t.app.inject({ method, url: `/api${url}`, headers: { authorization: user.authorization }, ...(payload ? { payload } : {}) });
  if (res.statusCode >= 400) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.json();
};

const data = (e: SseEvent) => JSON.parse(e.data) as Record<string, unknown>;
const seqOf = (id: string | undefined) => Number(id?.split('.')[1]);

const outcome = (accountId: string, kind: string) => nextOutcome(t.app, accountId, (o) => o.kind === kind);

describe('GET /api/events end to end', () => {
  it('streams state → ready, the activity and the delivery, then resumes after a drop with no gap and no duplicate', async () => {
    const account = await createWatchingAccount(t.app, t.fake, user.authorization, {
      label: 'live bot',
      items: ['https://example.com/cat.png', 'https://example.com/dog.png'],
      rules: { triggers: [{ kinds: ['activity:start'] }], cooldownSeconds: 3600 },
    });
    const { bot, pal } = account;

    const first = await SseClient.open(`${t.url}/api/events?accountId=${account.id}`, { authorization: user.authorization });
    await first.next((e) => e.event === 'hello');
    await api('POST', `/accounts/${account.id}/start`);
    await first.next((e) => e.event === 'state' && data(e).state === 'ready');
    const states = first.events.filter((e) => e.event === 'state').map((e) => data(e).state);
    expect(states.slice(0, 1)).toEqual(['starting']);
    expect(states.indexOf('connecting')).toBeGreaterThan(0);
    expect(states.indexOf('ready')).toBeGreaterThan(states.indexOf('connecting'));

    const sent = outcome(account.id, 'activity:start');
    t.fake.setPresence(pal.id, { status: 'online', activities: [{ name: 'Factorio', type: 0 }] });
    await sent;
    const activity = await first.next((e) => e.event === 'activity' && data(e).kind === 'activity:start');
    expect(data(activity)).toMatchObject({ accountId: account.id, discordUserId: pal.id, activity: { name: 'Factorio', type: 'playing' } });
    const presence = await first.next((e) => e.event === 'presence' && (data(e).activities as unknown[]).length === 1);
    expect(data(presence)).toMatchObject({ status: 'online', activities: [{ name: 'Factorio', type: 'playing' }] });
    const delivery = await first.next((e) => e.event === 'delivery' && data(e).status === 'sent');
    expect(data(delivery)).toMatchObject({ discordUserId: pal.id, messageId: t.fake.messages({ botId: bot.id })[0]!.id });

    // Drop the connection, and let things happen meanwhile.
    const resumeFrom = first.lastEventId!;
    first.close();
    const cooled = outcome(account.id, 'activity:start');
    t.fake.setPresence(pal.id, { status: 'online', activities: [{ name: 'Factorio', type: 0 }, { name: 'Tetris', type: 0 }] });
    await cooled;
    await api('POST', `/accounts/${account.id}/stop`);

    const again = await SseClient.open(`${t.url}/api/events?accountId=${account.id}`, { authorization: user.authorization, 'last-event-id': resumeFrom });
    const hello = await again.next((e) => e.event === 'hello');
    expect(data(hello)).toEqual({ resumed: true });
    const replayed = again.events.slice(0, again.events.indexOf(hello));
    // Exactly what the server published for this account after the last event the client had.
    const replay = t.app.liveEvents.bus.since(resumeFrom);
    if ('reset' in replay) throw new Error('the buffer lost events');
    const published = replay.events.filter((e) => e.accountId === account.id && e.seq <= seqOf(hello.id));
    expect(replayed.map((e) => e.id)).toEqual(published.map((e) => e.id));
    // No duplicate: everything replayed is newer than what the first connection had, in order.
    const seqs = replayed.map((e) => seqOf(e.id));
    expect(seqs[0]).toBeGreaterThan(seqOf(resumeFrom));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(first.events.map((e) => e.id).filter((id) => replayed.some((r) => r.id === id))).toEqual([]);
    // And it holds what happened meanwhile: the second game, its skipped delivery, the stop.
    expect(replayed.some((e) => e.event === 'activity' && (data(e).activity as { name: string }).name === 'Tetris')).toBe(true);
    expect(replayed.map((e) => (e.event === 'delivery' ? data(e) : undefined)).filter(Boolean)).toEqual([
      expect.objectContaining({ status: 'skipped', reason: 'cooldown', until: expect.any(Number) }),
    ]);
    expect(replayed.filter((e) => e.event === 'state').map((e) => data(e).state).slice(-2)).toEqual(['stopping', 'stopped']);
    again.close();
  });
});
