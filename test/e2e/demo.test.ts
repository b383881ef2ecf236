import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { descendants, isRunning, untilGone } from '../support/process-tree.js';

// `npm run demo` end to end: the script, a fake Discord process, the built server process and
// its workers, the whole way to deliveries — then a clean stop with nothing left behind.

const ROOT = resolve(import.meta.dirname, '../..');
const WAIT_MS = 90_000;

const ACTIVITY = /^\d\d:\d\d:\d\d\.\d{3} +bot-\d +activity +\w+ /;
const DELIVERED = /^\d\d:\d\d:\d\d\.\d{3} +bot-\d +delivered +→ \w+: .+ in \d+ ms$/;
/** The header's line naming the temporary data folder; the header is printed once every account is ready. */
const DATA_LINE = /^ {2}data +\S+/;
/** By then the feed has shown an activity and a delivery (in either order: both are read back from the history). */
const ACTIVITY_AND_DELIVERY = (lines: readonly string[]) => lines.some((l) => ACTIVITY.test(l)) && lines.some((l) => DELIVERED.test(l));

/**
 * Runs the demo with `args`; records its process tree when `at` first holds — a line matching
 * it, or the lines so far passing it (by the header every account's worker is up) — and calls
 * `then` at that moment.
 */
async function runDemo(
  args: string[],
  then: (demoPid: number) => void = () => {},
  at: RegExp | ((lines: readonly string[]) => boolean) = DATA_LINE,
) {
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
    const reached = at instanceof RegExp ? at.test(line) : at(lines);
    if (tree.length === 0 && reached && demo.pid !== undefined) {
      tree = descendants(demo.pid);
      then(demo.pid);
    }
  });
  const result = await demo;
  return { result, lines, tree };
}

function tempDirOf(lines: string[]): string | undefined {
  return lines.map((l) => /^ {2}data +(\S+)/.exec(l)?.[1]).find(Boolean);
}

describe('npm run demo', () => {
  it('prints detected activities and deliveries with their latency; on Ctrl-C (SIGINT) stops everything cleanly, the server exiting 0 on its SIGTERM', async () => {
    const { result, lines, tree } = await runDemo(['--accounts', '2'], (pid) => process.kill(pid, 'SIGINT'), ACTIVITY_AND_DELIVERY);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(lines.some((l) => /^ {2}dashboard +http:\/\/127\.0\.0\.1:\d+\/ +\(sign in as /.test(l))).toBe(true);
    expect(ACTIVITY_AND_DELIVERY(lines)).toBe(true);
    expect(lines).toContain('server exited (code 0)');
    expect(lines).toContain('fake Discord exited (code 0)');
    // The fake Discord, the server, its store and one worker per account were running.
    expect(tree.length).toBeGreaterThanOrEqual(5);
    expect(tree.filter(isRunning)).toEqual([]);
    const dataDir = tempDirOf(lines);
    expect(dataDir).toMatch(/dac-demo-/);
    expect(existsSync(dataDir as string)).toBe(false);
  });

  // The lines it prints are checked above; here only that it ends by itself. (It ran 20 s and
  // checked the lines too: the same lines as the Ctrl-C run, 18 s more of the serial e2e time.)
  it('stops by itself after --duration and exits 0 with nothing left behind', async () => {
    const { result, lines, tree } = await runDemo(['--duration', '1', '--accounts', '1']);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(lines).toContain('Changing presences about every 1 s for 1 s.');
    expect(lines.some((l) => /^\d+ presence changes: /.test(l))).toBe(true);
    expect(lines).toContain('server exited (code 0)');
    expect(lines).toContain('fake Discord exited (code 0)');
    expect(tree.length).toBeGreaterThanOrEqual(4);
    expect(tree.filter(isRunning)).toEqual([]);
    expect(existsSync(tempDirOf(lines) as string)).toBe(false);
  });

  it('leaves no process behind when the demo itself is SIGKILLed', async () => {
    const { result, lines, tree } = await runDemo(['--accounts', '1'], (pid) => process.kill(pid, 'SIGKILL'));
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
