import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, stat } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LivenessWatch } from '../../../../src/db/embedded/liveness-watch.js';

// The server's liveness check of its store process, against a real child over a real IPC
// channel: a child that says it is ready, then answers every ping (and touches a file once its
// answer is on the wire). As the store, it is watched only once ready.
const ANSWERING_CHILD = `
const { writeFileSync } = require('node:fs');
process.on('message', (m) => process.send({ seq: m.seq }, () => writeFileSync(process.argv[1] + '-' + m.seq, '')));
process.send({ ready: true });
`;

const children: ChildProcess[] = [];
let dir: string | undefined;
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill('SIGKILL');
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function answeringChild() {
  dir = await mkdtemp(join(tmpdir(), 'dac-liveness-'));
  const marker = join(dir, 'pong');
  const child = spawn(process.execPath, ['-e', ANSWERING_CHILD, marker], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
  children.push(child);
  await once(child, 'message');
  return { child, answered: (seq: number) => existsSync(`${marker}-${seq}`) };
}

/** Blocks this thread (and its event loop) for `ms`, as a long synchronous task of the server would. */
const blockFor = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function watching(child: ChildProcess, timeoutMs: number, onPing: (seq: number) => void = () => undefined) {
  let resolveHung!: (silentMs: number) => void;
  const hung = new Promise<number>((resolve) => (resolveHung = resolve));
  const pings: number[] = [];
  const watch = new LivenessWatch({
    timeoutMs,
    ping: (seq) => {
      pings.push(seq);
      child.send({ seq });
      onPing(seq);
    },
    onHung: resolveHung,
  });
  child.on('message', (m: { seq: number }) => watch.answered(m.seq));
  return { watch, hung, pings };
}

describe('LivenessWatch', () => {
  it('finds a child that stops answering hung after the timeout, having sent it one ping at a time', async () => {
    const { child } = await answeringChild();
    const { watch, hung, pings } = watching(child, 1_000);
    try {
      // Answered pings keep it alive; then it stops.
      const answeredTwice = new Promise<void>((resolve) => child.on('message', (m: { seq: number }) => m.seq >= 2 && resolve()));
      await Promise.race([answeredTwice, hung.then(() => Promise.reject(new Error('found hung while it answered')))]);
      process.kill(child.pid as number, 'SIGSTOP');
      const sentBefore = pings.length;
      const silentMs = await hung;
      expect(silentMs).toBeGreaterThanOrEqual(1_000);
      // One ping at a time: the stopped child got at most one, not one per tick (250 ms).
      expect(pings.length - sentBefore).toBeLessThanOrEqual(1);
    } finally {
      watch.stop();
      process.kill(child.pid as number, 'SIGCONT');
    }
  });

  it('does not blame the child for time the server’s own loop was blocked while its answer waited to be read', async () => {
    const { child, answered } = await answeringChild();
    const timeoutMs = 400;
    let watch: LivenessWatch | undefined;
    const result = await new Promise<'hung' | 'alive'>((resolve) => {
      const w = watching(child, timeoutMs, (seq) => {
        if (seq === 2) {
          // Right after a ping, the server stalls in an I/O callback (as in a long synchronous
          // task) until the child's answer sits unread in the channel, and well past the timeout.
          stat(dir as string, () => {
            const started = performance.now();
            while (!answered(seq) || performance.now() - started < timeoutMs * 3) blockFor(5);
          });
        }
        if (seq === 4) resolve('alive');
      });
      watch = w.watch;
      void w.hung.then(() => resolve('hung'));
    });
    watch?.stop();
    expect(result).toBe('alive');
  });
});
