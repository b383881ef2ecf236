import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createScenario, useWorkerRig } from './scenario.js';
import { WORKER_PATH, WorkerProcess } from './worker-process.js';

const rig = useWorkerRig();
// A copy of the bundle of its own, so no other test's cache is found beside it.
const dir = mkdtempSync(join(tmpdir(), 'worker-boot-'));
const bundle = join(dir, 'worker.cjs');
copyFileSync(WORKER_PATH, bundle);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Forks the boot loader with the copied bundle, logs in, and waits for `ready`. */
async function startThroughBoot(): Promise<WorkerProcess> {
  const { bot } = createScenario(rig.fake);
  const worker = rig.track(new WorkerProcess({ bootBundle: bundle, env: { ...process.env, LOG_LEVEL: 'debug' } }));
  worker.init({ token: bot.token, friends: [], discordApiUrl: rig.fake.apiUrl });
  await worker.waitFor('ready');
  return worker;
}

describe('worker boot loader', () => {
  it('writes a code cache keyed by the bundle hash after the first ready, and the next start has V8 accept it', async () => {
    const first = await startThroughBoot();
    await first.waitForOutput('"msg":"code cache written"');
    expect(first.output).toContain('"msg":"code cache absent"');
    const hash = createHash('sha256').update(readFileSync(bundle)).digest('hex').slice(0, 16);
    expect(readdirSync(dir).filter((name) => name.endsWith('.code-cache'))).toEqual([
      expect.stringMatching(new RegExp(`^worker\\.cjs\\.${hash}\\.v\\d+\\.\\d+\\.\\d+-[0-9a-f]{8}\\.code-cache$`)),
    ]);

    // The same flags as the first process, the V8 flag the worker sets at start included.
    const second = await startThroughBoot();
    await second.waitForOutput('"msg":"code cache ');
    const said = second.output.split('\n').flatMap((line) => /"msg":"(code cache [^"]*)"/.exec(line)?.[1] ?? []);
    expect(said).toEqual(['code cache accepted']);
  });
});
