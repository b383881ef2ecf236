import { isAscii } from 'node:buffer';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DeliverMessage, message } from '../../../src/ipc/index.js';
import { useWorkerRig } from './scenario.js';
import { WORKER_PATH, WorkerProcess } from './worker-process.js';

const rig = useWorkerRig();
const dir = mkdtempSync(join(tmpdir(), 'worker-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PRELOAD = resolve(import.meta.dirname, '../../support/fixtures/modules-at-ready.mjs');

describe('worker start-up', () => {
  it('reaches ready without loading Node’s fetch (its internal undici, http2), with Node’s FormData back, and its REST works after', async () => {
    const bot = rig.fake.createBot({ username: 'modules-bot' });
    const friend = rig.fake.createUser({ username: 'modules-friend' });
    rig.fake.createGuild({ botIds: [bot.id], userIds: [friend.id] });
    const file = join(dir, 'modules.txt');
    const worker = rig.track(
      new WorkerProcess({ bootBundle: WORKER_PATH, env: { ...process.env, MODULES_AT_READY_FILE: file }, execArgv: ['--import', PRELOAD] }),
    );
    worker.init({ token: bot.token, friends: [friend.id], discordApiUrl: rig.fake.apiUrl });
    await worker.waitFor('ready');

    const loaded = readFileSync(file, 'utf8').split('\n');
    // Node's own FormData is back once the bundle has loaded (uploads use it).
    expect(loaded.pop()).toBe('FormData: ok');
    // The check itself works: modules the worker does need are listed.
    expect(loaded).toEqual(expect.arrayContaining(['NativeModule http', 'NativeModule child_process']));
    expect(loaded.filter((name) => /undici|http2/.test(name))).toEqual([]);

    // GET /gateway/bot went over node:http; a delivery (POST, JSON body) does too.
    worker.send(message<DeliverMessage>({ type: 'deliver', requestId: 1, target: { mode: 'dm', recipientId: friend.id }, message: { content: 'hi' } }));
    await worker.waitFor('delivered', (m) => m.requestId === 1);
    expect(rig.fake.messages({ botId: bot.id, recipientId: friend.id }).map((m) => m.content)).toEqual(['hi']);
  });

  it('ships the bundle as ASCII, so V8 holds its source as a one-byte string (half the memory of two-byte)', () => {
    expect(isAscii(readFileSync(WORKER_PATH))).toBe(true);
  });
});
