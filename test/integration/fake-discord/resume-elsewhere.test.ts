import { describe, expect } from 'vitest';
import { createWorld, type Frame, rawGateway, test, waitFor } from './helpers.js';

const INTENTS = 1 | 2 | 256;
const isDispatch = (t: string) => (f: Frame) => f.t === t;

describe('fake Discord: a session outlives the process that held it', () => {
  test('a socket closed without a close frame (a killed process) leaves the session resumable from another connection', async ({ fake }) => {
    const { bot, friend } = createWorld(fake);
    const first = await rawGateway(fake.url);
    const ready = first.next(isDispatch('READY'));
    const guildCreate = first.next(isDispatch('GUILD_CREATE'));
    first.socket.send(JSON.stringify({ op: 2, d: { token: bot.token, intents: INTENTS, properties: {} } }));
    const sessionId = ((await ready).d as { session_id: string }).session_id;
    const guild = await guildCreate;

    const dropped = waitFor<[{ code: number }]>(fake, 'disconnect');
    // What the kernel does for a SIGKILLed process: the TCP connection ends, no close frame.
    first.socket.terminate();
    expect((await dropped)[0].code).toBe(1006);
    fake.setPresence(friend.id, { status: 'online', activities: [{ name: 'While nobody listened', type: 0 }] });

    const second = await rawGateway(fake.url);
    const resumed = second.next(isDispatch('RESUMED'));
    second.socket.send(JSON.stringify({ op: 6, d: { token: bot.token, session_id: sessionId, seq: guild.s } }));
    await resumed;
    second.socket.terminate();

    const replayed = second.frames.filter((f) => f.op === 0 && f.t !== 'RESUMED');
    expect(replayed.map((f) => [f.t, f.s])).toEqual([['PRESENCE_UPDATE', (guild.s ?? 0) + 1]]);
    expect(fake.stats()).toMatchObject({ identifies: 1, resumes: 1 });
  });

  test('a resume of an unknown session is refused with op 9 d:false', async ({ fake }) => {
    const { bot } = createWorld(fake);
    const client = await rawGateway(fake.url);
    const invalid = client.next((f) => f.op === 9);
    client.socket.send(JSON.stringify({ op: 6, d: { token: bot.token, session_id: 'no-such-session', seq: 3 } }));

    const refused = await invalid;
    client.socket.terminate();

    expect(refused.d).toBe(false);
    expect(fake.stats()).toMatchObject({ resumes: 0 });
  });
});
