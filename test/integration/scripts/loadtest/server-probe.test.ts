import { mkdtemp, rm } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProbe } from '../../../../scripts/loadtest/probe-build.js';

let dir: string;
let probePath: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'server-probe-'));
  probePath = await buildProbe(dir);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('the load-test probe preloaded into a process', () => {
  it('writes its records to the harness pipe (fd 3), and never keeps the process running', async () => {
    // Stand-in for the server: no app to attach to, so the probe reports only its per-second
    // event-loop lag; the process ends when its own work does.
    const child = spawn(process.execPath, ['--import', probePath, '-e', 'setTimeout(() => {}, 1_200)'], {
      stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
      env: { ...process.env, LOADTEST_PROBE_FD: '3' },
    });
    const exited = once(child, 'exit');
    const lines = createInterface({ input: child.stdio[3] as Readable });
    const [line] = (await once(lines, 'line')) as [string];
    expect(JSON.parse(line)).toMatchObject({ t: 'lag', p99: expect.any(Number), max: expect.any(Number) });
    expect(await exited).toEqual([0, null]);
  });
});
