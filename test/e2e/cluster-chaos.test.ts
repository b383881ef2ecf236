import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadTestResult, runLoadTest } from '../../scripts/loadtest/run-load-test.js';

// Two server nodes on one embedded store (its own process), short leases, presence changes all
// along: one node is SIGKILLed, later one is SIGSTOPped past its lease and continued. Every
// account must end ready on a node that is up, and no bot may ever have two live gateway
// sessions. (Lost events under node chaos are measured by the harness: docs/scaling.md.)

const LEASE = { LEASE_MS: '3000', LEASE_RENEW_MS: '300', LEASE_RENEW_DEADLINE_MS: '2000' };
const ACCOUNTS = 4;

let out: string;
let result: LoadTestResult;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'dac-cluster-chaos-'));
  result = await runLoadTest(
    {
      nodes: 2,
      accounts: ACCOUNTS,
      friends: 2,
      rate: 20,
      duration: 10,
      readRate: 2,
      nodeChaos: ['kill-node', 'pause-node'],
      nodeChaosMinActions: 2,
      nodeChaosGapMs: 500,
      pauseMs: 5_000,
      serverEnv: LEASE,
      logLevel: 'warn',
      out,
    },
    { writeFiles: true },
  );
}, 240_000);

afterAll(async () => {
  // Kept for a look when something failed: result.json, report.md and each node's log.
  if (result?.problems.length === 0) await rm(out, { recursive: true, force: true });
});

describe('several nodes under node chaos', () => {
  it('kills one node and pauses one, and their accounts become ready on another node', () => {
    const events = result.phases.flatMap((p) => p.nodeChaosEvents);
    expect(events.map((e) => e.action)).toEqual(['kill-node', 'pause-node']);
    for (const e of events) {
      expect(e.accounts.length).toBeGreaterThan(0);
      expect(Object.values(e.readyElsewhereAt).filter((at) => at === null)).toEqual([]);
    }
    expect(events[0]?.workersExitedMs).not.toBeNull();
  });

  it('ends with every account ready on a node that is up', () => {
    const up = new Set(result.nodes.filter((n) => n.status === 'up').map((n) => n.id));
    expect(result.workers.final).toHaveLength(ACCOUNTS);
    for (const worker of result.workers.final) {
      expect(worker.state).toBe('ready');
      expect(up.has(worker.node ?? '')).toBe(true);
    }
  });

  it('never has two live gateway sessions for one bot', () => {
    expect(result.fake.maxSessionsPerBot).toBe(1);
  });
});
