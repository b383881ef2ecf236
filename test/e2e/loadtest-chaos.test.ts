import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadTestResult, runLoadTest } from '../../scripts/loadtest/run-load-test.js';

// A short load test through the harness, with chaos: the real server bundle and its workers,
// the fake Discord in its own process, 10 accounts, presence changes for 14 s while workers are
// SIGKILLed, gateway connections dropped and 429s injected (one action a second: about four of
// each). Every event must be stored exactly once (or, for a killed worker, be provably
// unobservable), and every worker must end ready.

let out: string;
let result: LoadTestResult;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'dac-loadtest-e2e-'));
  result = await runLoadTest(
    {
      accounts: 10,
      friends: 3,
      rate: 150,
      duration: 14,
      chaos: true,
      chaosIntervalMs: 1_000,
      readRate: 5,
      logLevel: 'warn',
      out,
    },
    { writeFiles: true },
  );
}, 240_000);

afterAll(async () => {
  // Kept for a look when something failed: result.json, report.md and the process logs.
  if (result?.problems.length === 0) await rm(out, { recursive: true, force: true });
});

describe('the load test with chaos', () => {
  it('kills workers and drops gateway connections, and each recovers', () => {
    const events = result.phases.flatMap((p) => p.chaosEvents);
    const kills = events.filter((e) => e.action === 'kill');
    const drops = events.filter((e) => e.action === 'drop');
    expect(kills.length).toBeGreaterThanOrEqual(2);
    expect(drops.length).toBeGreaterThanOrEqual(2);
    expect(events.filter((e) => e.action !== 'ratelimit' && e.recoveredAt === null)).toEqual([]);
  });

  it('stores an event for every presence change the workers could see', () => {
    const r = result.reconciliation;
    expect(r.expected).toBeGreaterThan(1_000);
    expect(r.lost).toBe(0);
    expect(r.matched + r.unobservedDuringRestart).toBe(r.expected);
  });

  it('stores no event twice and none that did not happen', () => {
    expect(result.reconciliation.duplicated).toBe(0);
    expect(result.reconciliation.unexpected).toBe(0);
  });

  it('samples the server’s store process’s memory (the default EMBEDDED_STORE=process)', () => {
    const store = result.memory.store;
    expect(store?.rss).toBeGreaterThan(10 * 2 ** 20);
    expect(store?.pss).toBeLessThanOrEqual(store?.rss as number);
  });

  it('ends with every worker ready', () => {
    expect(result.workers.final).toHaveLength(10);
    expect(result.workers.final.filter((w) => w.state !== 'ready')).toEqual([]);
  });

  it('restarts exactly the workers it killed', () => {
    const kills = result.phases.flatMap((p) => p.chaosEvents).filter((e) => e.action === 'kill');
    expect(result.workers.restarts).toBe(kills.length);
  });

  it('resumes each killed worker’s session, so a resumed kill leaves nothing unobserved and costs no identify', () => {
    const k = result.reconciliation.killSummary;
    expect(k.resumed + k.refused).toBe(k.kills);
    expect(k.unobserved.resumed).toBe(0);
    // Every identify beyond the first of each account is a refused resume.
    expect(result.fake.identifies - 10).toBe(k.refused);
  });
});
