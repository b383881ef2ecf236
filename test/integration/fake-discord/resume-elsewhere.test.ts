import { once } from 'node:events';
import { describe, expect } from 'vitest';
import { WebSocket } from 'ws';
import { createWorld, test, waitFor } from './helpers.js';

interface Frame {
  op: number;
  t: string | null;
  s: number | null;
  d: Record<string, unknown> | boolean | null;
}

/** A bare gateway client: what a process sees, frame by frame. */
async function connect(url: string): Promise<{ socket: WebSocket; frames: Frame[]; next: (t: string) => Promise<Frame> }> {
  const socket = new WebSocket(`${url}/?v=10&encoding=json`);
  const frames: Frame[] = [];
  socket.on('message', (data) => {
    frames.push(JSON.parse((data as Buffer).toString()) as Frame);
    socket.emit('frame');
  });
  const next = async (t: string): Promise<Frame> => {
    for (;;) {
      const found = frames.find((f) => f.t === t || (t === 'INVALID_SESSION' && f.op === 9));
      if (found) return found;
      await once(socket, 'frame', { signal: AbortSignal.timeout(10_000) });
    }
  };
  await once(socket, 'open');
  return { socket, frames, next };
}

const INTENTS = 1 | 2 | 256;

describe('fake Discord: a session outlives the process that held it', () => {
  test('a socket closed without a close frame (a killed process) leaves the session resumable from another connection', async ({ fake }) => {
    const { bot, friend } = createWorld(fake);
    const gateway = fake.url.replace(/^http/, 'ws');
    const first = await connect(gateway);
    first.socket.send(JSON.stringify({ op: 2, d: { token: bot.token, intents: INTENTS, properties: {} } }));
    const ready = await first.next('READY');
    const guild = await first.next('GUILD_CREATE');
    const sessionId = (ready.d as { session_id: string }).session_id;

    const dropped = waitFor<[{ code: number }]>(fake, 'disconnect');
    // What the kernel does for a SIGKILLed process: the TCP connection ends, no close frame.
    first.socket.terminate();
    expect((await dropped)[0].code).toBe(1006);
    fake.setPresence(friend.id, { status: 'online', activities: [{ name: 'While nobody listened', type: 0 }] });

    const second = await connect(gateway);
    second.socket.send(JSON.stringify({ op: 6, d: { token: bot.token, session_id: sessionId, seq: guild.s } }));
    await second.next('RESUMED');
    second.socket.terminate();

    const replayed = second.frames.filter((f) => f.op === 0 && f.t !== 'RESUMED');
    expect(replayed.map((f) => [f.t, f.s])).toEqual([['PRESENCE_UPDATE', (guild.s ?? 0) + 1]]);
    expect(fake.stats()).toMatchObject({ identifies: 1, resumes: 1 });
  });

  test('a resume of an unknown session is refused with op 9 d:false', async ({ fake }) => {
    const { bot } = createWorld(fake);
    const client = await connect(fake.url.replace(/^http/, 'ws'));
    client.socket.send(JSON.stringify({ op: 6, d: { token: bot.token, session_id: 'no-such-session', seq: 3 } }));

    const refused = await client.next('INVALID_SESSION');
    client.socket.terminate();

    expect(refused.d).toBe(false);
    expect(fake.stats()).toMatchObject({ resumes: 0 });
  });
});
