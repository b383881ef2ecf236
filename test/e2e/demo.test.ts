import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { descendants, isRunning } from '../support/process-tree.js';

// `npm run demo` end to end: the script, a fake Discord process, the built server process and
// its workers, the whole way to deliveries — then a clean stop with nothing left behind.

const ROOT = resolve(import.meta.dirname, '../..');
const WAIT_MS = 90_000;

const DELIVERED = / delivered +→ /;
/** The header, printed once every account is ready. */
const HEADER = /^ {2}dashboard +http/;

/**
 * Runs the demo with `args`; records its process tree at the first line matching `at` (by the
 * first delivery the server and its workers are up), and calls `then` at that moment.
 */
async function runDemo(args: string[], then: (demoPid: number) => void = () => {}, at = DELIVERED) {
  const demo = execa(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], {
    cwd: ROOT,
    env: { NO_COLOR: '1' },
    reject: false,
    timeout: WAIT_MS,
  });
  const lines: string[] = [];
  let tree: number[] = [];
  createInterface({ input: demo.stdout }).on('line', (line) => {
    lines.push(line);
    if (tree.length === 0 && at.test(line) && demo.pid !== undefined) {
      tree = descendants(demo.pid);
      then(demo.pid);
    }
  });
  const result = await demo;
  return { result, lines, tree };
}

async function untilGone(pids: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isRunning)) {
    if (Date.now() > deadline) throw new Error(`still running after ${timeoutMs / 1000} s: ${pids.filter(isRunning).join(', ')}`);
    await delay(100);
  }
}

function tempDirOf(lines: string[]): string | undefined {
  return lines.map((l) => /^ {2}data +(\S+)/.exec(l)?.[1]).find(Boolean);
}

describe('npm run demo', () => {
  it('prints detected activities and deliveries with their latency, then stops by itself and exits 0', async () => {
    const { result, lines, tree } = await runDemo(['--duration', '20', '--accounts', '2']);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(lines.some((l) => /^ {2}dashboard +http:\/\/127\.0\.0\.1:\d+\/ +\(sign in as /.test(l))).toBe(true);
    expect(lines.some((l) => /^\d\d:\d\d:\d\d\.\d{3} +bot-\d +activity +\w+ /.test(l))).toBe(true);
    expect(lines.some((l) => /^\d\d:\d\d:\d\d\.\d{3} +bot-\d +delivered +→ \w+: .+ in \d+ ms$/.test(l))).toBe(true);
    expect(lines).toContain('server exited (code 0)');
    // The fake Discord, the server and one worker per account were running.
    expect(tree.length).toBeGreaterThanOrEqual(4);
    expect(tree.filter(isRunning)).toEqual([]);
    const dataDir = tempDirOf(lines);
    expect(dataDir).toMatch(/dac-demo-/);
    expect(existsSync(dataDir as string)).toBe(false);
  });

  it('stops everything cleanly on Ctrl-C (SIGINT), the server exiting 0 on its SIGTERM', async () => {
    const { result, lines, tree } = await runDemo(['--accounts', '1'], (pid) => process.kill(pid, 'SIGINT'));

    expect(result.exitCode, result.stderr).toBe(0);
    expect(lines).toContain('server exited (code 0)');
    expect(lines).toContain('fake Discord exited (code 0)');
    expect(tree.length).toBeGreaterThanOrEqual(3);
    expect(tree.filter(isRunning)).toEqual([]);
    expect(existsSync(tempDirOf(lines) as string)).toBe(false);
  });

  it('leaves no process behind when the demo itself is SIGKILLed', async () => {
    const { result, lines, tree } = await runDemo(['--accounts', '1'], (pid) => process.kill(pid, 'SIGKILL'), HEADER);
    const dataDir = tempDirOf(lines) as string;
    try {
      expect(result.signal).toBe('SIGKILL');
      // The fake Discord, the server, its store and its worker: their IPC channel from the demo
      // closed, the server and the fake stop as on SIGTERM, the server stops its children.
      expect(tree.length).toBeGreaterThanOrEqual(4);
      await untilGone(tree, 30_000);
    } finally {
      for (const pid of tree.filter(isRunning)) process.kill(pid, 'SIGKILL');
      // Nobody was left to remove it.
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
